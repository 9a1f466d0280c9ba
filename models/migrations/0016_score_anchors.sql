ALTER TABLE "criteria" ADD COLUMN "anchor_low" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "criteria" ADD COLUMN "anchor_middle" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "criteria" ADD COLUMN "anchor_high" text DEFAULT '' NOT NULL;
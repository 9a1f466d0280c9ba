ALTER TABLE "decisions" ADD COLUMN "texts_drafted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "override_reason" text;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
-- A cycle published before this migration is closed to applications and nominations from its
-- publishing on, as publishing does from now on.
UPDATE "cycles" SET "closed_at" = "published_at" WHERE "published_at" IS NOT NULL AND "closed_at" IS NULL;
--> statement-breakpoint
-- Reviews may be due before the original deadline when the staff closed applications earlier.
ALTER TABLE "cycles" DROP CONSTRAINT "cycles_dates_in_order";--> statement-breakpoint
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_dates_in_order" CHECK ("cycles"."opens_at" <= "cycles"."applications_close_at" and least("cycles"."applications_close_at", "cycles"."closed_at") <= "cycles"."reviews_due_at");

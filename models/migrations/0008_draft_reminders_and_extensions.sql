ALTER TABLE "applications" ADD COLUMN "deadline_extended_to" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "draft_reminded_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "draft_reminder_days" integer;--> statement-breakpoint
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_draft_reminder_days" CHECK ("cycles"."draft_reminder_days" between 1 and 60);
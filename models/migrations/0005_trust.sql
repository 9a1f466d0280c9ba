ALTER TABLE "school_contacts" DROP CONSTRAINT "school_contacts_status_known";--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_name" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_district" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_city" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_state" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_level" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_website" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_enrollment" integer;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_frl_percent" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "school_iep_percent" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "nominations" ADD COLUMN "submission_key" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "school_contacts" ADD COLUMN "approved_by" bigint;--> statement-breakpoint
ALTER TABLE "school_contacts" ADD CONSTRAINT "school_contacts_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_files_stored_name_idx" ON "evidence_files" USING btree ("stored_name");--> statement-breakpoint
CREATE UNIQUE INDEX "nominations_submission_key" ON "nominations" USING btree ("submission_key");--> statement-breakpoint
CREATE INDEX "school_contacts_pending_idx" ON "school_contacts" USING btree ("created_at") WHERE "school_contacts"."status" = 'pending';--> statement-breakpoint
ALTER TABLE "school_contacts" ADD CONSTRAINT "school_contacts_status_known" CHECK ("school_contacts"."status" in ('active','pending','declined','revoked'));--> statement-breakpoint
-- Cycles published before this migration: their honoree pages keep showing the school as it is
-- now, which is the closest record of how it stood when they were published.
UPDATE "decisions" AS d SET
  "school_name" = s."name", "school_district" = s."district", "school_city" = s."city", "school_state" = s."state",
  "school_level" = s."level", "school_website" = s."website", "school_enrollment" = s."enrollment",
  "school_frl_percent" = s."frl_percent", "school_iep_percent" = s."iep_percent"
FROM "applications" AS a, "schools" AS s, "cycles" AS c
WHERE a."id" = d."application_id" AND s."id" = a."school_id" AND c."id" = d."cycle_id" AND c."published_at" IS NOT NULL;
--> statement-breakpoint
-- Messages sent before this migration still hold their working links (reset, verification,
-- invitations, signed unsubscribe links): hide every token-shaped run, as the worker now does
-- when it marks a message sent (server/url-secrets.ts).
UPDATE "outbox" SET
  "text_body" = regexp_replace("text_body", '[A-Za-z0-9_-]{32,}', '[hidden]', 'g'),
  "html_body" = regexp_replace("html_body", '[A-Za-z0-9_-]{32,}', '[hidden]', 'g'),
  "unsubscribe_url" = regexp_replace("unsubscribe_url", '[A-Za-z0-9_-]{32,}', '[hidden]', 'g')
WHERE "status" IN ('sent', 'failed');

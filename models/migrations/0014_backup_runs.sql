CREATE TABLE "backup_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"size_bytes" bigint,
	"row_count" bigint,
	"file_count" bigint,
	"error" text,
	"removed_at" timestamp with time zone,
	"instance" text NOT NULL,
	CONSTRAINT "backup_runs_trigger_known" CHECK ("backup_runs"."trigger" in ('scheduled','requested')),
	CONSTRAINT "backup_runs_status_known" CHECK ("backup_runs"."status" in ('running','done','failed'))
);
--> statement-breakpoint
CREATE INDEX "backup_runs_started_idx" ON "backup_runs" USING btree ("started_at","id");
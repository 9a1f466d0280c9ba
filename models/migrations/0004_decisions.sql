CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" bigint,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"summary" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"application_id" bigint PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"level" text NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone NOT NULL,
	"slug" text NOT NULL,
	"citation" text DEFAULT '' NOT NULL,
	"profile" text DEFAULT '' NOT NULL,
	"highlights" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "decisions_level_known" CHECK ("decisions"."level" in ('gold','silver','not_selected'))
);
--> statement-breakpoint
ALTER TABLE "school_invitations" ADD COLUMN "school_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "school_invitations" ADD COLUMN "city" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "school_invitations" ADD COLUMN "state" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "disagreement_threshold" numeric(6, 2) DEFAULT 1.5 NOT NULL;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "share_review_comments" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "published_by" bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_cycle_slug_key" ON "decisions" USING btree ("cycle_id","slug");--> statement-breakpoint
CREATE INDEX "decisions_cycle_level_idx" ON "decisions" USING btree ("cycle_id","level");
CREATE TABLE "mail_suppressions" (
	"email" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nominations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"school_id" bigint,
	"school_name" text NOT NULL,
	"district" text DEFAULT '' NOT NULL,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"match_key" text NOT NULL,
	"nominator_name" text NOT NULL,
	"nominator_email" text NOT NULL,
	"relationship" text NOT NULL,
	"contact_email" text,
	"reason" text NOT NULL,
	"criterion_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"status" text DEFAULT 'unconfirmed' NOT NULL,
	"confirm_token_hash" text NOT NULL,
	"confirm_expires_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"application_id" bigint,
	"applied_notice_sent_at" timestamp with time zone,
	"result_notice_sent_at" timestamp with time zone,
	"marked_spam_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "nominations_status_known" CHECK ("nominations"."status" in ('unconfirmed','confirmed','spam')),
	CONSTRAINT "nominations_state_code" CHECK ("nominations"."state" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
CREATE TABLE "rate_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "school_invitations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"match_key" text NOT NULL,
	"school_id" bigint,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" bigint,
	"accepted_by" bigint,
	"accepted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evidence_files" ADD COLUMN "nomination_id" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "unsubscribe_url" text;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_marked_spam_by_users_id_fk" FOREIGN KEY ("marked_spam_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_invitations" ADD CONSTRAINT "school_invitations_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_invitations" ADD CONSTRAINT "school_invitations_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_invitations" ADD CONSTRAINT "school_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_invitations" ADD CONSTRAINT "school_invitations_accepted_by_users_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "nominations_confirm_token_key" ON "nominations" USING btree ("confirm_token_hash");--> statement-breakpoint
CREATE INDEX "nominations_cycle_group_idx" ON "nominations" USING btree ("cycle_id","match_key");--> statement-breakpoint
CREATE INDEX "nominations_cycle_status_idx" ON "nominations" USING btree ("cycle_id","status","state");--> statement-breakpoint
CREATE INDEX "nominations_school_idx" ON "nominations" USING btree ("school_id");--> statement-breakpoint
CREATE INDEX "nominations_application_idx" ON "nominations" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "nominations_nominator_idx" ON "nominations" USING btree ("nominator_email","created_at");--> statement-breakpoint
CREATE INDEX "rate_counters_window_idx" ON "rate_counters" USING btree ("window_started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "school_invitations_cycle_school_key" ON "school_invitations" USING btree ("cycle_id","match_key");--> statement-breakpoint
CREATE UNIQUE INDEX "school_invitations_token_key" ON "school_invitations" USING btree ("token_hash");--> statement-breakpoint
ALTER TABLE "evidence_files" ADD CONSTRAINT "evidence_files_nomination_id_nominations_id_fk" FOREIGN KEY ("nomination_id") REFERENCES "public"."nominations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_files_nomination_idx" ON "evidence_files" USING btree ("nomination_id");--> statement-breakpoint
ALTER TABLE "evidence_files" ADD CONSTRAINT "evidence_files_one_owner" CHECK (("evidence_files"."application_id" is null) <> ("evidence_files"."nomination_id" is null));
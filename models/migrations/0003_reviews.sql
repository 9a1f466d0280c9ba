CREATE TABLE "assignments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"round_id" bigint NOT NULL,
	"application_id" bigint NOT NULL,
	"reviewer_id" bigint NOT NULL,
	"status" text DEFAULT 'assigned' NOT NULL,
	"assigned_by" bigint,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	"recommendation" text,
	"confidential_note" text DEFAULT '' NOT NULL,
	"site_visit_notes" text DEFAULT '' NOT NULL,
	"submitted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assignments_status_known" CHECK ("assignments"."status" in ('assigned','draft','submitted')),
	CONSTRAINT "assignments_recommendation_known" CHECK ("assignments"."recommendation" is null or "assignments"."recommendation" in ('gold','silver','not_recommended'))
);
--> statement-breakpoint
CREATE TABLE "cycle_reviewers" (
	"cycle_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"max_load" integer DEFAULT 8 NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cycle_reviewers_cycle_id_user_id_pk" PRIMARY KEY("cycle_id","user_id"),
	CONSTRAINT "cycle_reviewers_load" CHECK ("cycle_reviewers"."max_load" between 0 and 1000)
);
--> statement-breakpoint
CREATE TABLE "review_rounds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"name" text NOT NULL,
	"reviewers_per_application" integer DEFAULT 3 NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"reminder_days_before" integer DEFAULT 3 NOT NULL,
	"reminder_sent_at" timestamp with time zone,
	"site_visit" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_rounds_k" CHECK ("review_rounds"."reviewers_per_application" between 1 and 20),
	CONSTRAINT "review_rounds_reminder" CHECK ("review_rounds"."reminder_days_before" between 0 and 60)
);
--> statement-breakpoint
CREATE TABLE "review_scores" (
	"assignment_id" bigint NOT NULL,
	"criterion_id" bigint NOT NULL,
	"score" integer,
	"comment" text DEFAULT '' NOT NULL,
	CONSTRAINT "review_scores_assignment_id_criterion_id_pk" PRIMARY KEY("assignment_id","criterion_id")
);
--> statement-breakpoint
CREATE TABLE "reviewer_conflicts" (
	"reviewer_id" bigint NOT NULL,
	"school_id" bigint NOT NULL,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviewer_conflicts_reviewer_id_school_id_pk" PRIMARY KEY("reviewer_id","school_id"),
	CONSTRAINT "reviewer_conflicts_source_known" CHECK ("reviewer_conflicts"."source" in ('declared','admin'))
);
--> statement-breakpoint
CREATE TABLE "reviewer_invitations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" bigint,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviewer_profiles" (
	"user_id" bigint PRIMARY KEY NOT NULL,
	"affiliation" text DEFAULT '' NOT NULL,
	"district" text DEFAULT '' NOT NULL,
	"state" text,
	"expertise" text[] DEFAULT '{}'::text[] NOT NULL,
	"grade_levels" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "round_applications" (
	"round_id" bigint NOT NULL,
	"application_id" bigint NOT NULL,
	CONSTRAINT "round_applications_round_id_application_id_pk" PRIMARY KEY("round_id","application_id")
);
--> statement-breakpoint
CREATE TABLE "round_reviewers" (
	"round_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"max_load" integer NOT NULL,
	CONSTRAINT "round_reviewers_round_id_user_id_pk" PRIMARY KEY("round_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_round_id_review_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."review_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_reviewers" ADD CONSTRAINT "cycle_reviewers_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_reviewers" ADD CONSTRAINT "cycle_reviewers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_rounds" ADD CONSTRAINT "review_rounds_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_scores" ADD CONSTRAINT "review_scores_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_scores" ADD CONSTRAINT "review_scores_criterion_id_criteria_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."criteria"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_conflicts" ADD CONSTRAINT "reviewer_conflicts_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_conflicts" ADD CONSTRAINT "reviewer_conflicts_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_conflicts" ADD CONSTRAINT "reviewer_conflicts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_invitations" ADD CONSTRAINT "reviewer_invitations_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_invitations" ADD CONSTRAINT "reviewer_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_invitations" ADD CONSTRAINT "reviewer_invitations_accepted_by_users_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_profiles" ADD CONSTRAINT "reviewer_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_applications" ADD CONSTRAINT "round_applications_round_id_review_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."review_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_applications" ADD CONSTRAINT "round_applications_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_reviewers" ADD CONSTRAINT "round_reviewers_round_id_review_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."review_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_reviewers" ADD CONSTRAINT "round_reviewers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assignments_round_app_reviewer_key" ON "assignments" USING btree ("round_id","application_id","reviewer_id");--> statement-breakpoint
CREATE INDEX "assignments_reviewer_idx" ON "assignments" USING btree ("reviewer_id","round_id");--> statement-breakpoint
CREATE INDEX "assignments_application_idx" ON "assignments" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "cycle_reviewers_user_idx" ON "cycle_reviewers" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_rounds_cycle_number_key" ON "review_rounds" USING btree ("cycle_id","number");--> statement-breakpoint
CREATE INDEX "review_scores_criterion_idx" ON "review_scores" USING btree ("criterion_id");--> statement-breakpoint
CREATE INDEX "reviewer_conflicts_school_idx" ON "reviewer_conflicts" USING btree ("school_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reviewer_invitations_cycle_email_key" ON "reviewer_invitations" USING btree ("cycle_id","email");--> statement-breakpoint
CREATE UNIQUE INDEX "reviewer_invitations_token_key" ON "reviewer_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "round_applications_app_idx" ON "round_applications" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "round_reviewers_user_idx" ON "round_reviewers" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "users_email_domain_idx" ON "users" USING btree (split_part("email", '@', 2));
CREATE TABLE "application_answers" (
	"application_id" bigint NOT NULL,
	"criterion_id" bigint NOT NULL,
	"chosen" boolean DEFAULT false NOT NULL,
	"answer" text DEFAULT '' NOT NULL,
	"word_count" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "application_answers_application_id_criterion_id_pk" PRIMARY KEY("application_id","criterion_id")
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"school_id" bigint NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"eligibility_answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"screening_flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"screening_reason" text,
	"screened_by" bigint,
	"screened_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applications_status_known" CHECK ("applications"."status" in ('draft','submitted','withdrawn','eligible','ineligible'))
);
--> statement-breakpoint
CREATE TABLE "evidence_files" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"application_id" bigint,
	"criterion_id" bigint,
	"original_name" text NOT NULL,
	"stored_name" text NOT NULL,
	"kind" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_files_kind_known" CHECK ("evidence_files"."kind" in ('pdf','doc','docx','xls','xlsx','png','jpeg')),
	CONSTRAINT "evidence_files_size_positive" CHECK ("evidence_files"."size_bytes" > 0)
);
--> statement-breakpoint
CREATE TABLE "eligibility_questions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"key" text NOT NULL,
	"prompt" text NOT NULL,
	"help" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"options" text[] DEFAULT '{}'::text[] NOT NULL,
	CONSTRAINT "eligibility_questions_kind_known" CHECK ("eligibility_questions"."kind" in ('choice','number','yes_no'))
);
--> statement-breakpoint
CREATE TABLE "eligibility_rules" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"subject" text NOT NULL,
	"operator" text NOT NULL,
	"values" text[] DEFAULT '{}'::text[] NOT NULL,
	"other" text,
	"margin" numeric(8, 2),
	"message" text NOT NULL,
	CONSTRAINT "eligibility_rules_operator_known" CHECK ("eligibility_rules"."operator" in ('one_of','at_least','at_most','equals','not_below'))
);
--> statement-breakpoint
CREATE TABLE "school_contacts" (
	"school_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_at" timestamp with time zone,
	CONSTRAINT "school_contacts_school_id_user_id_pk" PRIMARY KEY("school_id","user_id"),
	CONSTRAINT "school_contacts_status_known" CHECK ("school_contacts"."status" in ('active','pending'))
);
--> statement-breakpoint
CREATE TABLE "schools" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"district" text DEFAULT '' NOT NULL,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"level" text NOT NULL,
	"website" text DEFAULT '' NOT NULL,
	"enrollment" integer,
	"frl_percent" numeric(5, 2),
	"iep_percent" numeric(5, 2),
	"match_key" text NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schools_level_known" CHECK ("schools"."level" in ('high','middle','elementary','k12','other')),
	CONSTRAINT "schools_state_code" CHECK ("schools"."state" ~ '^[A-Z]{2}$'),
	CONSTRAINT "schools_percents" CHECK (("schools"."frl_percent" is null or "schools"."frl_percent" between 0 and 100) and ("schools"."iep_percent" is null or "schools"."iep_percent" between 0 and 100)),
	CONSTRAINT "schools_enrollment" CHECK ("schools"."enrollment" is null or "schools"."enrollment" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "max_file_bytes" bigint DEFAULT 20971520 NOT NULL;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "max_application_bytes" bigint DEFAULT 104857600 NOT NULL;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "max_files_per_criterion" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "application_answers" ADD CONSTRAINT "application_answers_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_answers" ADD CONSTRAINT "application_answers_criterion_id_criteria_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."criteria"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_screened_by_users_id_fk" FOREIGN KEY ("screened_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_files" ADD CONSTRAINT "evidence_files_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_files" ADD CONSTRAINT "evidence_files_criterion_id_criteria_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."criteria"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_files" ADD CONSTRAINT "evidence_files_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eligibility_questions" ADD CONSTRAINT "eligibility_questions_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eligibility_rules" ADD CONSTRAINT "eligibility_rules_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_contacts" ADD CONSTRAINT "school_contacts_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_contacts" ADD CONSTRAINT "school_contacts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schools" ADD CONSTRAINT "schools_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "applications_cycle_school_key" ON "applications" USING btree ("cycle_id","school_id");--> statement-breakpoint
CREATE INDEX "applications_cycle_status_idx" ON "applications" USING btree ("cycle_id","status");--> statement-breakpoint
CREATE INDEX "applications_school_idx" ON "applications" USING btree ("school_id");--> statement-breakpoint
CREATE UNIQUE INDEX "evidence_files_public_id_key" ON "evidence_files" USING btree ("public_id");--> statement-breakpoint
CREATE INDEX "evidence_files_application_idx" ON "evidence_files" USING btree ("application_id","criterion_id");--> statement-breakpoint
CREATE UNIQUE INDEX "eligibility_questions_cycle_key" ON "eligibility_questions" USING btree ("cycle_id","key");--> statement-breakpoint
CREATE INDEX "eligibility_rules_cycle_idx" ON "eligibility_rules" USING btree ("cycle_id","position");--> statement-breakpoint
CREATE INDEX "school_contacts_user_idx" ON "school_contacts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "schools_match_key_idx" ON "schools" USING btree ("match_key");--> statement-breakpoint
CREATE INDEX "schools_state_idx" ON "schools" USING btree ("state");--> statement-breakpoint
CREATE INDEX "schools_name_search_idx" ON "schools" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree (("data" -> 'passport' ->> 'user'));--> statement-breakpoint
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_limits_positive" CHECK ("cycles"."max_file_bytes" > 0 and "cycles"."max_application_bytes" >= "cycles"."max_file_bytes" and "cycles"."max_files_per_criterion" > 0);
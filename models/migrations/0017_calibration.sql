CREATE TABLE "calibration_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"source_application_id" bigint,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calibration_scores" (
	"item_id" bigint NOT NULL,
	"reviewer_id" bigint NOT NULL,
	"score" integer NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calibration_scores_item_id_reviewer_id_pk" PRIMARY KEY("item_id","reviewer_id"),
	CONSTRAINT "calibration_scores_comment_length" CHECK (length("calibration_scores"."comment") <= 5000)
);
--> statement-breakpoint
ALTER TABLE "calibration_items" ADD CONSTRAINT "calibration_items_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_items" ADD CONSTRAINT "calibration_items_source_application_id_applications_id_fk" FOREIGN KEY ("source_application_id") REFERENCES "public"."applications"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_items" ADD CONSTRAINT "calibration_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_scores" ADD CONSTRAINT "calibration_scores_item_id_calibration_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."calibration_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_scores" ADD CONSTRAINT "calibration_scores_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calibration_items_cycle_idx" ON "calibration_items" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "calibration_scores_reviewer_idx" ON "calibration_scores" USING btree ("reviewer_id");
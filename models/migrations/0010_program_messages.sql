CREATE TABLE "program_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"segment" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"sent_by" bigint,
	"sent_at" timestamp with time zone NOT NULL,
	"recipients" integer NOT NULL,
	CONSTRAINT "program_messages_segment_known" CHECK ("program_messages"."segment" in ('drafts','submitted','unfinished_reviews','nominators_not_applied','reviewers'))
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "program_message_id" bigint;--> statement-breakpoint
ALTER TABLE "program_messages" ADD CONSTRAINT "program_messages_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "program_messages" ADD CONSTRAINT "program_messages_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "program_messages_cycle_idx" ON "program_messages" USING btree ("cycle_id","sent_at");--> statement-breakpoint
CREATE INDEX "outbox_program_message_idx" ON "outbox" USING btree ("program_message_id") WHERE "outbox"."program_message_id" is not null;
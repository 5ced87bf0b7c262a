-- 0047: campaign_contact.leased_by, who a call-list contact was handed to; see the PostgreSQL script.
ALTER TABLE "campaign_contact" ADD COLUMN "leased_by" INTEGER NULL;

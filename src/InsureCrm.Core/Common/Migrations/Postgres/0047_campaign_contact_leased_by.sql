-- 0047: campaign_contact.leased_by, the call-center user a call-list contact was handed to by the call list's "next call"
-- (CampaignWorkLists.NextCallAsync): only they record its outcome. Null: not leased, or held by the call center's queue.
ALTER TABLE campaign_contact ADD COLUMN leased_by bigint;

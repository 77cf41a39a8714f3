-- Accounts deleted before deletion redacted the role audit left their e-mail there. A deleted
-- account's rows are the ones whose user id was set to null by ON DELETE SET NULL (a change is
-- always written with both ids, except the command line's actor, labelled "cli:<os user>").
UPDATE "role_change" SET "targetEmail" = 'deleted account'
 WHERE "targetUserId" IS NULL AND "targetEmail" <> 'deleted account';
UPDATE "role_change" SET "actor" = 'deleted account'
 WHERE "actorUserId" IS NULL AND "actor" NOT LIKE 'cli:%' AND "actor" <> 'deleted account';

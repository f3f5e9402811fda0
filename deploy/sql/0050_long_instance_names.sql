-- Instance names may be up to 255 characters, as CodeChat 1.3 allows (api-contract.md §6). The
-- reminders table's GrainId ("instance/<name>") came from the Orleans script as varchar(150), too
-- short for such a name; grain state keeps the key in GrainIdExtensionString (varchar(512)),
-- which is long enough. Product tables hold names as text already.
ALTER TABLE OrleansRemindersTable ALTER COLUMN GrainId TYPE text;

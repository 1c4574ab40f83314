-- What each canonical item was last built from (its group's source items and their versions, the code and
-- the settings): a refresh skips a group whose key is stored, instead of merging and categorising it again.
ALTER TABLE items ADD COLUMN group_key VARCHAR;

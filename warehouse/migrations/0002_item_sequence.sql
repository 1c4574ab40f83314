-- The iCalendar SEQUENCE of each canonical item: raised whenever its content changes, so calendar clients update it.
ALTER TABLE items ADD COLUMN sequence INTEGER DEFAULT 0;

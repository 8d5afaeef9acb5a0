-- Files from the customer (issue 18): a PDF, text, CSV, DOCX or XLSX file kept with the
-- message that carries it (written in the message's own transaction), its bytes checked
-- before they get here. Served to agents only, as a download.
CREATE TABLE message_files (
    message_id  INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('pdf', 'text', 'csv', 'docx', 'xlsx')),
    size        INTEGER NOT NULL,
    bytes       BLOB NOT NULL
);

-- A message says how its body is written (plain text or the rich-text HTML subset), so no
-- reader has to guess. Existing rows: plain when the HTML is exactly the escaped text, as
-- plain messages were always stored; html otherwise.
ALTER TABLE messages ADD COLUMN format TEXT NOT NULL DEFAULT 'plain'
    CHECK (format IN ('plain', 'html'));
UPDATE messages SET format = 'html'
WHERE body_html <> '<p>' || replace(replace(replace(replace(replace(body_text,
        '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), chr(10), '<br>') || '</p>';

-- The customer's earlier conversations before verification: chats from the same email,
-- compared without case, newest first.
CREATE INDEX chats_email ON chats (lower(customer_email), id);

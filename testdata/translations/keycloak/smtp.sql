-- The realm's SMTP settings; psql quotes each value (:'name'), so no value can break the SQL.
INSERT INTO public.realm_smtp_config (realm_id, value, name) VALUES
  ('cloudron', :'host', 'host'), ('cloudron', :'port', 'port'), ('cloudron', :'user', 'user'),
  ('cloudron', :'password', 'password'), ('cloudron', :'from', 'from'), ('cloudron', :'name', 'fromDisplayName'),
  ('cloudron', :'from', 'envelopeFrom'), ('cloudron', :'from', 'replyTo'), ('cloudron', :'name', 'replyToDisplayName'),
  ('cloudron', '', 'starttls'), ('cloudron', '', 'ssl'), ('cloudron', 'true', 'auth');

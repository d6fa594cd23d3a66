/**
 * Numbered schema migrations. `PRAGMA user_version` records the last one applied; each runs in its
 * own transaction. Append new migrations; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: plans, customers, hosts, subscriptions and their add-ons; value sets.
  `
  -- Provided value maps, stored once per distinct content: the many subscriptions of one plan on
  -- alike hosts share a handful of them, so re-evaluating 100,000 subscriptions writes integers.
  CREATE TABLE value_sets (
    id         INTEGER PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    json       TEXT NOT NULL,
    -- limits.disk_space when finite, for placement's unallocated-disk sums.
    disk_bytes INTEGER
  );

  CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('service', 'addon', 'reseller')),
    values_json TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  );

  CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('active', 'suspended')),
    created_at   TEXT NOT NULL
  );

  CREATE TABLE hosts (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    state             TEXT NOT NULL CHECK (state IN ('ready', 'unknown', 'maintenance', 'incompatible')),
    report_json       TEXT,
    last_heartbeat_at TEXT,
    revision          INTEGER NOT NULL DEFAULT 0,
    observed_revision INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
  );

  CREATE TABLE subscriptions (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    host_id            INTEGER NOT NULL REFERENCES hosts (id),
    plan_id            INTEGER REFERENCES plans (id),
    locked             INTEGER NOT NULL DEFAULT 0,
    own_values         TEXT,
    subscriber_values  TEXT NOT NULL DEFAULT '{}',
    provided_set       INTEGER NOT NULL REFERENCES value_sets (id),
    conflicts          TEXT NOT NULL DEFAULT '[]',
    sync_status        TEXT NOT NULL CHECK (sync_status IN ('synced', 'unsynced', 'locked', 'custom')),
    suspension_reasons TEXT NOT NULL DEFAULT '',
    expires_at         TEXT,
    generation         INTEGER NOT NULL DEFAULT 1,
    revision           INTEGER NOT NULL DEFAULT 0,
    applied_generation INTEGER NOT NULL DEFAULT 0,
    apply_error        TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
  );
  CREATE INDEX subscriptions_plan ON subscriptions (plan_id);
  CREATE INDEX subscriptions_host ON subscriptions (host_id, revision);
  CREATE INDEX subscriptions_customer ON subscriptions (customer_id);
  CREATE INDEX subscriptions_expires ON subscriptions (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE subscription_addons (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    plan_id         INTEGER NOT NULL REFERENCES plans (id),
    PRIMARY KEY (subscription_id, plan_id)
  ) WITHOUT ROWID;
  CREATE INDEX subscription_addons_plan ON subscription_addons (plan_id);
  `,
  // 2: API tokens and host join tokens; secrets are stored as SHA-256 hashes only.
  `
  CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'reseller', 'customer')),
    subject      TEXT,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
  );

  CREATE TABLE join_tokens (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    host       TEXT
  );
  `,
  // 3: agents: host credentials (hashed), agent facts, and removals kept for the agents' deltas.
  `
  ALTER TABLE hosts ADD COLUMN credential_hash TEXT;
  ALTER TABLE hosts ADD COLUMN agent_version TEXT;
  ALTER TABLE hosts ADD COLUMN protocol_version INTEGER;
  CREATE UNIQUE INDEX hosts_credential ON hosts (credential_hash) WHERE credential_hash IS NOT NULL;

  CREATE TABLE host_removals (
    host_id  INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (host_id, name)
  ) WITHOUT ROWID;
  `,
  // 4: the event outbox: every state change, written in the same transaction as the change.
  `
  CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    type         TEXT NOT NULL,
    entity_name  TEXT NOT NULL,
    time         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    on_behalf_of TEXT,
    data         TEXT NOT NULL DEFAULT '{}',
    published_at TEXT
  );
  CREATE INDEX events_unpublished ON events (id) WHERE published_at IS NULL;
  CREATE INDEX events_type ON events (type, id);
  `,
  // 5: reseller accounts; customers and plans may be owned by a reseller.
  `
  CREATE TABLE resellers (
    id           INTEGER PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email        TEXT NOT NULL,
    plan_id      INTEGER NOT NULL REFERENCES plans (id),
    locked       INTEGER NOT NULL DEFAULT 0,
    own_values   TEXT,
    sync_status  TEXT NOT NULL CHECK (sync_status IN ('synced', 'unsynced', 'locked')),
    conflicts    TEXT NOT NULL DEFAULT '[]',
    state        TEXT NOT NULL CHECK (state IN ('active', 'suspended')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
  );
  CREATE INDEX resellers_plan ON resellers (plan_id);

  ALTER TABLE customers ADD COLUMN reseller_id INTEGER REFERENCES resellers (id);
  ALTER TABLE plans ADD COLUMN reseller_id INTEGER REFERENCES resellers (id);
  CREATE INDEX customers_reseller ON customers (reseller_id) WHERE reseller_id IS NOT NULL;
  CREATE INDEX plans_reseller ON plans (reseller_id) WHERE reseller_id IS NOT NULL;
  `,
  // 6: the system user each subscription's site runs as, as its agent reports it; the
  // subscriptions whose last apply failed, counted per host from a small partial index.
  `
  ALTER TABLE subscriptions ADD COLUMN system_user TEXT;
  CREATE INDEX subscriptions_failing ON subscriptions (host_id) WHERE apply_error IS NOT NULL;
  `,
  // 7: a reseller's token is bound to the reseller's id, not its login (a reseller deleted and
  // created again under the same login is another tenant); tokens of resellers gone are dropped.
  `
  ALTER TABLE api_tokens ADD COLUMN reseller_id INTEGER REFERENCES resellers (id) ON DELETE CASCADE;
  UPDATE api_tokens SET reseller_id = (SELECT id FROM resellers WHERE login = api_tokens.subject) WHERE role = 'reseller';
  DELETE FROM api_tokens WHERE role = 'reseller' AND reseller_id IS NULL;
  `,
  // 8: API tokens may expire.
  `
  ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
  `,
  // 9: an event NATS refuses for itself (larger than the server takes) is set aside with the
  // reason, so that the events after it are published; it stays listed (\`events --parked\`).
  `
  ALTER TABLE events ADD COLUMN parked TEXT;
  CREATE INDEX events_parked ON events (id) WHERE parked IS NOT NULL;
  `,
  // 10: host credentials rotate over the agent's stream: the new one is pending (both valid) until
  // the agent saved it; when the current one was issued.
  `
  ALTER TABLE hosts ADD COLUMN pending_credential_hash TEXT;
  ALTER TABLE hosts ADD COLUMN credential_issued_at TEXT;
  UPDATE hosts SET credential_issued_at = created_at WHERE credential_hash IS NOT NULL;
  CREATE INDEX hosts_pending_credential ON hosts (pending_credential_hash) WHERE pending_credential_hash IS NOT NULL;
  `,
  // 11: what each subscription uses, as its agent measured it, and whether it is over a limit
  // (so that an overuse is announced once per crossing).
  `
  ALTER TABLE subscriptions ADD COLUMN disk_bytes INTEGER;
  ALTER TABLE subscriptions ADD COLUMN traffic_bytes INTEGER;
  ALTER TABLE subscriptions ADD COLUMN traffic_month TEXT;
  ALTER TABLE subscriptions ADD COLUMN usage_measured_at TEXT;
  ALTER TABLE subscriptions ADD COLUMN overused INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX subscriptions_measured ON subscriptions (host_id) WHERE usage_measured_at IS NOT NULL;
  `,
  // 12: the certificate of a subscription that asks for SSL, as its agent reports it (JSON).
  `
  ALTER TABLE subscriptions ADD COLUMN certificate TEXT;
  `,
  // 13: which controller a host's agent is connected to (several controllers may share a store).
  `
  ALTER TABLE hosts ADD COLUMN controller TEXT;
  `,
];

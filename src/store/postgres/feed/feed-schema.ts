/** PostgreSQL migration 5: the change feed's tables (docs/feed.md; see the comment in the SQL). */
export const FEED_MIGRATION = `
      -- The change feed (docs/feed.md). Transactions on different lock keys commit in parallel, so a
      -- position cannot be drawn inside them: each transaction that appends entries records one
      -- feed_commits row per environment, and the leased sequencer (feed/sequencer.ts) gives committed
      -- rows their positions, in order, after the fact. An entry's position is its commit's position plus
      -- its rank by seq within the commit.
      -- commit_id: drawn from ledger_seq once per transaction; NULL for entries older than the feed,
      -- whose seq stands in for it.
      ALTER TABLE ledger ADD COLUMN commit_id BIGINT;
      -- The client whose request made the entry; NULL for the service's own work (expiry, sweeps).
      ALTER TABLE ledger ADD COLUMN client_id TEXT COLLATE "C";
      CREATE TABLE feed_commits (
        environment_id TEXT COLLATE "C" NOT NULL,
        commit_id BIGINT NOT NULL,
        first_seq BIGINT NOT NULL,
        last_seq BIGINT NOT NULL,
        entries INTEGER NOT NULL,
        -- The first entry's position and the last one's; NULL until the sequencer stamps the commit.
        position BIGINT,
        last_position BIGINT,
        -- When it was stamped (ISO-8601); never decreases as positions increase.
        fed_at TEXT COLLATE "C",
        PRIMARY KEY (environment_id, commit_id)
      );
      -- What the sequencer stamps next, oldest commit first.
      CREATE INDEX feed_commits_unstamped ON feed_commits (commit_id) WHERE position IS NULL;
      -- Reads after a position, and positions by time (as-of queries, retention).
      CREATE INDEX feed_commits_by_position ON feed_commits (environment_id, last_position)
        WHERE position IS NOT NULL;
      CREATE INDEX feed_commits_by_time ON feed_commits (environment_id, fed_at, last_position)
        WHERE position IS NOT NULL;
      -- The last position stamped and its time (one row).
      CREATE TABLE feed_state (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        position BIGINT NOT NULL,
        fed_at TEXT COLLATE "C" NOT NULL
      );
      -- Entries from before the feed are in it already, each its own commit, positioned by seq.
      INSERT INTO feed_commits (environment_id, commit_id, first_seq, last_seq, entries, position, last_position,
          fed_at)
        SELECT environment_id, seq, seq, seq, 1, seq, seq, recorded_at FROM ledger;
      INSERT INTO feed_state (id, position, fed_at)
        SELECT 1, coalesce(max(seq), 0), coalesce(max(recorded_at), '') FROM ledger;
      -- How far each follower that pushes to the outside world (webhooks, the NATS relay) has got.
      CREATE TABLE feed_followers (
        environment_id TEXT COLLATE "C" NOT NULL,
        follower_id TEXT COLLATE "C" NOT NULL,
        position BIGINT NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (environment_id, follower_id)
      );
      -- Single-use tickets that let a browser's EventSource follow the feed without a token in the URL.
      CREATE TABLE feed_tickets (
        ticket_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        environment_id TEXT COLLATE "C" NOT NULL,
        client_id TEXT COLLATE "C" NOT NULL,
        expires_at TEXT COLLATE "C" NOT NULL
      );
      -- Leases that let one process at a time do a follower's work (a webhook's deliveries, a relay).
      CREATE TABLE feed_leases (
        name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        owner TEXT COLLATE "C" NOT NULL,
        until TEXT COLLATE "C" NOT NULL,
        -- Incremented whenever the lease changes hands: a fencing token for the holder's writes.
        generation BIGINT NOT NULL
      );
      -- Checkpoints of the feed for as-of queries: the net change of every stored value over one span of
      -- positions (span s = positions s*size+1 … (s+1)*size), so a query as of a past position takes
      -- whole spans back instead of replaying each entry. schedule_date is '' for stock.
      CREATE TABLE feed_spans (
        environment_id TEXT COLLATE "C" NOT NULL,
        organization_id TEXT COLLATE "C" NOT NULL,
        product_id TEXT COLLATE "C" NOT NULL,
        span BIGINT NOT NULL,
        partition_id TEXT COLLATE "C" NOT NULL,
        dims TEXT COLLATE "C" NOT NULL,
        site_id TEXT COLLATE "C" NOT NULL,
        location_id TEXT COLLATE "C" NOT NULL,
        data_source TEXT COLLATE "C" NOT NULL,
        measure TEXT COLLATE "C" NOT NULL,
        schedule_date TEXT COLLATE "C" NOT NULL,
        -- NUMERIC: a net change can exceed 64 bits (twice the storable range).
        delta NUMERIC NOT NULL,
        created BOOLEAN NOT NULL,
        PRIMARY KEY (environment_id, organization_id, product_id, span, partition_id, dims, data_source, measure,
          schedule_date)
      );
    `;

/// Every table tau-node keeps, as migrations per domain, in the order they are applied.
enum StoreSchema {
    static var migrations: [Migration] {
        [identity, envelope, mesh, limits] + gateway + [LegacyImport.migration, timers, identityLogSizes, agentSessions, agentMemory, agentAudit, agentRuns, ledger, ledgerEscrows, reputation, delegations, ledgerReceipts, peerChanges]
    }

    static let identity = Migration(
        domain: "identity", version: 1, name: "did-logs",
        [
            """
            CREATE TABLE identity_did_logs (
                did TEXT PRIMARY KEY,
                origin TEXT NOT NULL,
                head_version BIGINT NOT NULL,
                head_version_id TEXT NOT NULL,
                deactivated BOOLEAN NOT NULL,
                log_jsonl TEXT NOT NULL,
                updated_at_ms BIGINT NOT NULL,
                checked_at_ms BIGINT NOT NULL)
            """
        ])

    /// The size of each stored log, which eviction of foreign logs sums.
    static let identityLogSizes = Migration(
        domain: "identity", version: 2, name: "log-sizes",
        [
            "ALTER TABLE identity_did_logs ADD COLUMN log_bytes BIGINT NOT NULL DEFAULT 0",
            "UPDATE identity_did_logs SET log_bytes = LENGTH(log_jsonl)",
            "CREATE INDEX identity_did_logs_checked ON identity_did_logs (checked_at_ms)",
        ])

    /// Agent sessions: a tree of entries per session, the head the session is at, and a
    /// per-session sequence that orders entries as they were appended.
    static let agentSessions = Migration(
        domain: "agent", version: 1, name: "sessions",
        [
            """
            CREATE TABLE agent_sessions (
                id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                created_at_ms BIGINT NOT NULL,
                updated_at_ms BIGINT NOT NULL,
                head_entry_id TEXT,
                entry_count BIGINT NOT NULL)
            """,
            "CREATE INDEX agent_sessions_updated ON agent_sessions (updated_at_ms)",
            """
            CREATE TABLE agent_session_entries (
                session_id TEXT NOT NULL,
                id TEXT NOT NULL,
                parent_id TEXT,
                seq BIGINT NOT NULL,
                kind TEXT NOT NULL,
                content TEXT NOT NULL,
                input_tokens BIGINT NOT NULL,
                output_tokens BIGINT NOT NULL,
                cached_input_tokens BIGINT NOT NULL,
                cache_write_tokens BIGINT NOT NULL,
                reasoning_tokens BIGINT NOT NULL,
                cost_micros BIGINT,
                currency TEXT,
                created_at_ms BIGINT NOT NULL,
                PRIMARY KEY (session_id, id))
            """,
            "CREATE UNIQUE INDEX agent_session_entries_seq ON agent_session_entries (session_id, seq)",
        ])

    /// The agent's memory notes and their full-text index: FTS5 beside the table on SQLite,
    /// a generated `tsvector` column with a GIN index on PostgreSQL.
    static let agentMemory = Migration(
        domain: "agent", version: 2, name: "memory",
        sqlite: [
            "CREATE TABLE agent_memory (id TEXT PRIMARY KEY, scope TEXT NOT NULL, text TEXT NOT NULL, tags TEXT NOT NULL, created_at_ms BIGINT NOT NULL)",
            "CREATE VIRTUAL TABLE agent_memory_fts USING fts5(id UNINDEXED, scope UNINDEXED, text, tokenize = 'unicode61')",
        ],
        postgres: [
            """
            CREATE TABLE agent_memory (id TEXT PRIMARY KEY, scope TEXT NOT NULL, text TEXT NOT NULL, tags TEXT NOT NULL,
                created_at_ms BIGINT NOT NULL, search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED)
            """,
            "CREATE INDEX agent_memory_search ON agent_memory USING GIN (search)",
            "CREATE INDEX agent_memory_scope ON agent_memory (scope)",
        ])

    /// The agent's audit log: security-relevant events, read newest first, by kind or by
    /// session.
    static let agentAudit = Migration(
        domain: "agent", version: 3, name: "audit",
        [
            """
            CREATE TABLE agent_audit (
                id TEXT PRIMARY KEY,
                time_ms BIGINT NOT NULL,
                kind TEXT NOT NULL,
                session_id TEXT,
                run_id TEXT,
                tool TEXT,
                detail TEXT NOT NULL)
            """,
            "CREATE INDEX agent_audit_time ON agent_audit (time_ms, id)",
            "CREATE INDEX agent_audit_kind ON agent_audit (kind, time_ms)",
            "CREATE INDEX agent_audit_session ON agent_audit (session_id, time_ms)",
        ])

    /// Runs started through the runs API, shared by the replicas: heartbeats, cancel
    /// requests and summaries.
    static let agentRuns = Migration(
        domain: "agent", version: 4, name: "runs",
        [
            """
            CREATE TABLE agent_runs (
                id TEXT PRIMARY KEY,
                session_id TEXT NOT NULL,
                api_key_id TEXT,
                model TEXT NOT NULL,
                status TEXT NOT NULL,
                summary TEXT,
                created_at_ms BIGINT NOT NULL,
                heartbeat_at_ms BIGINT NOT NULL,
                finished_at_ms BIGINT,
                cancel_requested BOOLEAN NOT NULL,
                replica TEXT NOT NULL)
            """,
            "CREATE INDEX agent_runs_owner ON agent_runs (api_key_id, created_at_ms)",
        ])

    /// The node's double-entry ledger (Specs/escrow.md §4): entries with a unique idempotency
    /// key, and their postings in integer micro-units.
    static let ledger = Migration(
        domain: "ledger", version: 1, name: "entries",
        [
            """
            CREATE TABLE ledger_entries (
                id TEXT PRIMARY KEY,
                idempotency_key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                escrow_id TEXT,
                memo TEXT NOT NULL,
                time_ms BIGINT NOT NULL)
            """,
            "CREATE INDEX ledger_entries_escrow ON ledger_entries (escrow_id, time_ms)",
            "CREATE INDEX ledger_entries_time ON ledger_entries (time_ms, id)",
            """
            CREATE TABLE ledger_postings (
                entry_id TEXT NOT NULL REFERENCES ledger_entries (id),
                seq BIGINT NOT NULL,
                account TEXT NOT NULL,
                amount_micros BIGINT NOT NULL,
                currency TEXT NOT NULL,
                PRIMARY KEY (entry_id, seq))
            """,
            "CREATE INDEX ledger_postings_account ON ledger_postings (account, currency)",
        ])

    /// Escrows, one row per escrow and side, with a version for optimistic writes and the
    /// time their timer is due (Specs/escrow.md §5, §8).
    static let ledgerEscrows = Migration(
        domain: "ledger", version: 2, name: "escrows",
        [
            """
            CREATE TABLE ledger_escrows (
                id TEXT NOT NULL,
                side TEXT NOT NULL,
                payer TEXT NOT NULL,
                payee TEXT NOT NULL,
                agent TEXT NOT NULL,
                amount_micros BIGINT NOT NULL,
                currency TEXT NOT NULL,
                task_hash TEXT NOT NULL,
                deadline_ms BIGINT NOT NULL,
                state TEXT NOT NULL,
                invoice_micros BIGINT,
                result_hash TEXT,
                dispute_deadline_ms BIGINT,
                receipts TEXT NOT NULL,
                wake_at_ms BIGINT,
                final BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                updated_at_ms BIGINT NOT NULL,
                PRIMARY KEY (id, side))
            """,
            "CREATE INDEX ledger_escrows_due ON ledger_escrows (final, wake_at_ms)",
            "CREATE INDEX ledger_escrows_updated ON ledger_escrows (updated_at_ms)",
        ])

    /// Evidence about peers (Specs/mesh.md, reputation): one row per outcome seen, at most one
    /// per receipt.
    static let reputation = Migration(
        domain: "mesh", version: 2, name: "reputation",
        [
            """
            CREATE TABLE mesh_reputation (
                id TEXT PRIMARY KEY,
                peer TEXT NOT NULL,
                outcome TEXT NOT NULL,
                latency_ms BIGINT,
                time_ms BIGINT NOT NULL,
                receipt_id TEXT UNIQUE)
            """,
            "CREATE INDEX mesh_reputation_peer ON mesh_reputation (peer, time_ms)",
        ])

    /// Delegated tasks on both sides (Specs/mesh.md section 15); a payee's rows with work due
    /// are its durable task queue, claimed with a lease.
    static let delegations = Migration(
        domain: "mesh", version: 3, name: "delegations",
        [
            """
            CREATE TABLE mesh_delegations (
                key TEXT PRIMARY KEY,
                id TEXT NOT NULL,
                role TEXT NOT NULL,
                peer TEXT NOT NULL,
                peer_endpoint TEXT,
                skill TEXT NOT NULL,
                prompt TEXT NOT NULL,
                task_hash TEXT NOT NULL,
                price_micros BIGINT NOT NULL,
                currency TEXT NOT NULL,
                deadline_ms BIGINT NOT NULL,
                hops BIGINT NOT NULL,
                visited TEXT NOT NULL,
                state TEXT NOT NULL,
                result TEXT,
                result_hash TEXT,
                invoice_micros BIGINT,
                error_code TEXT,
                detail TEXT,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL,
                work TEXT,
                due_ms BIGINT,
                attempts BIGINT NOT NULL,
                claimed_by TEXT,
                claimed_until_ms BIGINT)
            """,
            "CREATE INDEX mesh_delegations_due ON mesh_delegations (due_ms)",
            "CREATE INDEX mesh_delegations_updated ON mesh_delegations (updated_ms)",
        ])

    /// When what a node advertises about a peer last changed (Specs/mesh.md section 6.1):
    /// gossip lists recent changes first. Null for rows older than the column: their first sighting.
    static let peerChanges = Migration(
        domain: "mesh", version: 4, name: "peer-changes",
        ["ALTER TABLE mesh_peers ADD COLUMN changed_ms BIGINT"])

    /// The signed messages kept as receipts of escrows (Specs/escrow.md §7).
    static let ledgerReceipts = Migration(
        domain: "ledger", version: 3, name: "receipts",
        [
            """
            CREATE TABLE ledger_receipts (
                escrow_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                signer TEXT NOT NULL,
                type TEXT NOT NULL,
                message TEXT NOT NULL,
                time_ms BIGINT NOT NULL,
                PRIMARY KEY (escrow_id, message_id))
            """
        ])

    static let envelope = Migration(
        domain: "envelope", version: 1, name: "replay-cache",
        [
            """
            CREATE TABLE envelope_replay (
                sender TEXT NOT NULL,
                message_id TEXT NOT NULL,
                retain_until_ms BIGINT NOT NULL,
                PRIMARY KEY (sender, message_id))
            """,
            "CREATE INDEX envelope_replay_retain ON envelope_replay (retain_until_ms)",
        ])

    static let mesh = Migration(
        domain: "mesh", version: 1, name: "peers",
        [
            """
            CREATE TABLE mesh_peers (
                did TEXT PRIMARY KEY,
                endpoint TEXT NOT NULL,
                first_seen_ms BIGINT NOT NULL,
                last_seen_ms BIGINT,
                log_head TEXT,
                state TEXT NOT NULL,
                failures BIGINT NOT NULL,
                next_attempt_ms BIGINT NOT NULL,
                capabilities TEXT NOT NULL,
                node_version TEXT)
            """
        ])

    static let limits = Migration(
        domain: "limits", version: 1, name: "rate-buckets",
        [
            """
            CREATE TABLE limits_rate_buckets (
                bucket TEXT PRIMARY KEY,
                tokens DOUBLE PRECISION NOT NULL,
                updated_ms BIGINT NOT NULL,
                full_at_ms BIGINT NOT NULL)
            """,
            "CREATE INDEX limits_rate_buckets_full ON limits_rate_buckets (full_at_ms)",
        ])

    static let timers = Migration(
        domain: "timers", version: 1, name: "due",
        [
            """
            CREATE TABLE timers_due (
                name TEXT PRIMARY KEY,
                due_at_ms BIGINT NOT NULL,
                payload TEXT,
                claimed_by TEXT,
                claimed_until_ms BIGINT)
            """,
            "CREATE INDEX timers_due_at ON timers_due (due_at_ms)",
        ])

    static let gateway: [Migration] = [
        Migration(
            domain: "gateway", version: 1, name: "api-keys-usage-holds",
            sqlite: [apiKeys, holds, usage(id: "id INTEGER PRIMARY KEY")] + usageIndexes,
            postgres: [apiKeys, holds, usage(id: "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")] + usageIndexes)
    ]

    private static let apiKeys = """
        CREATE TABLE gateway_api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            created_at_ms BIGINT NOT NULL,
            revoked_at_ms BIGINT,
            budget_micros BIGINT,
            spent_micros BIGINT NOT NULL DEFAULT 0,
            held_micros BIGINT NOT NULL DEFAULT 0,
            rpm BIGINT,
            models TEXT)
        """

    private static let holds = """
        CREATE TABLE gateway_budget_holds (
            id TEXT PRIMARY KEY,
            api_key_id TEXT NOT NULL,
            amount_micros BIGINT NOT NULL,
            expires_at_ms BIGINT NOT NULL)
        """

    private static func usage(id: String) -> String {
        """
        CREATE TABLE gateway_usage (
            \(id),
            time_ms BIGINT NOT NULL,
            api_key_id TEXT,
            session_id TEXT,
            requested_model TEXT NOT NULL,
            model TEXT NOT NULL,
            route TEXT NOT NULL,
            input_tokens BIGINT NOT NULL,
            output_tokens BIGINT NOT NULL,
            cached_input_tokens BIGINT NOT NULL,
            cache_write_tokens BIGINT NOT NULL,
            reasoning_tokens BIGINT NOT NULL,
            cost_micros BIGINT,
            status TEXT NOT NULL,
            latency_ms BIGINT NOT NULL)
        """
    }

    private static let usageIndexes = [
        "CREATE INDEX gateway_usage_key ON gateway_usage (api_key_id)",
        "CREATE INDEX gateway_usage_session ON gateway_usage (session_id)",
        "CREATE INDEX gateway_usage_time ON gateway_usage (time_ms)",
        "CREATE INDEX gateway_budget_holds_expiry ON gateway_budget_holds (expires_at_ms)",
        "CREATE INDEX gateway_budget_holds_key ON gateway_budget_holds (api_key_id)",
    ]
}

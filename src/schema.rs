//! Diesel table definitions, kept in step with `migrations/` by hand (`diesel print-schema`
//! gives the same output when diesel_cli is installed).

diesel::table! {
    sessions (key_hash) {
        key_hash -> Bytea,
        user_id -> Nullable<Int8>,
        public_id -> Text,
        state -> Jsonb,
        user_agent -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Citext,
        name -> Text,
        password_hash -> Text,
        bio -> Text,
        avatar_key -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamptz>,
        is_host -> Bool,
        is_admin -> Bool,
        suspended_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        purpose -> Text,
        email -> Citext,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    throttle_buckets (key) {
        key -> Text,
        window_start -> Timestamptz,
        hits -> Int4,
    }
}

diesel::table! {
    security_events (id) {
        id -> Int8,
        user_id -> Nullable<Int8>,
        kind -> Text,
        ip_address -> Nullable<Text>,
        detail -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        kind -> Text,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        max_attempts -> Int4,
        run_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    job_schedules (name) {
        name -> Text,
        last_run_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    dev_mailbox (id) {
        id -> Int8,
        to_address -> Text,
        from_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(security_events -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    sessions,
    users,
    account_tokens,
    throttle_buckets,
    security_events,
    jobs,
    job_schedules,
    dev_mailbox,
);

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

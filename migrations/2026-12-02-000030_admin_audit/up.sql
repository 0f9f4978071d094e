-- The admin audit log: every admin action (who, what, which object, why, the values before and
-- after, when). Append-only: the database itself refuses UPDATE, DELETE and TRUNCATE, whatever
-- role the application connects as, so that a bug or a compromised admin session cannot rewrite
-- history. Rows are written in the same transaction as the action they describe.
--
-- `actor_id` has no foreign key on purpose: `ON DELETE SET NULL` would be an UPDATE (refused),
-- and users are never deleted physically anyway (deleted accounts stay, anonymised).
CREATE TABLE admin_audit (
    id          bigserial PRIMARY KEY,
    actor_id    bigint NOT NULL,
    action      text NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    object_type text NOT NULL CHECK (length(object_type) BETWEEN 1 AND 32),
    object_id   bigint NOT NULL,
    reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    before      jsonb,
    after       jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX admin_audit_actor_idx ON admin_audit (actor_id, id DESC);
CREATE INDEX admin_audit_object_idx ON admin_audit (object_type, object_id, id DESC);
CREATE INDEX admin_audit_action_idx ON admin_audit (action, id DESC);

CREATE FUNCTION admin_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_audit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER admin_audit_append_only
    BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_refuse_change();

CREATE TRIGGER admin_audit_no_truncate
    BEFORE TRUNCATE ON admin_audit
    FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_refuse_change();

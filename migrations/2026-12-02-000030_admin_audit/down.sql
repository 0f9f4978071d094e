DROP TABLE admin_audit;
DROP FUNCTION admin_audit_refuse_change();

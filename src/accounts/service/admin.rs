//! Accounts as an admin sees and changes them: the user list ([`list`], with its CSV chunks),
//! a user's page ([`detail`]) and the actions ([`actions`]: suspend, unsuspend, mark the
//! address verified, grant or remove the host and admin roles; [`reset`]: send the password
//! reset email) and the security events ([`security`]). Every function takes the
//! admin's proof; the actions take sudo mode and write their audit row in their transaction.

pub mod actions;
pub mod detail;
pub mod list;
pub mod reset;
pub mod security;

pub use actions::{RoleChange, change_role, suspend, unsuspend, verify_email};
pub use detail::{UserDetail, detail};
pub use list::{Direction, RoleFilter, UserFilters, UserRow, UserSort, export_chunk, list};
pub use reset::send_password_reset;
pub use security::{SecurityEventRow, SecurityFilters, security_events};

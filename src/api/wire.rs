//! The messages and the client stub of `modal.client.ModalClient`, generated at build time from
//! proto/modal_client.proto.

#![allow(clippy::all, clippy::pedantic, missing_docs)]

tonic::include_proto!("modal.client");

use super::types::Identity;
use crate::text::sanitize;

impl From<token_info_get_response::Identity> for Identity {
    fn from(identity: token_info_get_response::Identity) -> Self {
        match identity {
            token_info_get_response::Identity::UserIdentity(user) => Self::User {
                id: sanitize(&user.user_id),
                name: sanitize(&user.username),
            },
            token_info_get_response::Identity::ServiceUserIdentity(service) => Self::ServiceUser {
                id: sanitize(&service.service_user_id),
                name: sanitize(&service.service_user_name),
                created_by: service.created_by.map(|user| sanitize(&user.username)),
            },
        }
    }
}

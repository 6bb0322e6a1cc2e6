//! Tasks (SEP-2663) through a portal. A member's task reaches a client that declared the
//! extension under an id namespaced by the member (`<server id>.<task id>`), so two members'
//! ids never meet and `tasks/get`, `tasks/update` and `tasks/cancel` go to the member that owns
//! the task. A portal answers only for tasks it handed out itself: another portal's clients,
//! or a guessed id, get "no such task". (Clients without the extension never see a task: see
//! `live::tasks`.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rmcp::ErrorData as McpError;
use rmcp::model::{
    CancelTaskParams, CreateTaskResult, GetTaskParams, GetTaskResult, UpdateTaskParams,
};
use rmcp::service::{RequestContext, RoleServer};

use super::handler::PortalHandler;
use crate::lock;

/// How long a portal remembers a task it handed out (a task's own time to live is the
/// server's; this bounds what the portal holds).
const REMEMBERED_FOR: Duration = Duration::from_secs(24 * 3600);
/// Past this many remembered tasks, the ones older than `REMEMBERED_FOR` are forgotten.
const PRUNE_ABOVE: usize = 1024;

/// The tasks one portal handed to its clients, by the id they know.
#[derive(Default)]
pub(crate) struct HandedTasks {
    handed: Mutex<HashMap<String, (String, String, Instant)>>,
}

impl HandedTasks {
    /// `handle`, a task of `server_id`'s, as the portal's client gets it.
    pub fn hand(&self, server_id: &str, handle: &mut CreateTaskResult) {
        let exposed = format!("{server_id}.{}", handle.task.task_id);
        let own = std::mem::replace(&mut handle.task.task_id, exposed.clone());
        let mut handed = lock(&self.handed);
        if handed.len() > PRUNE_ABOVE {
            handed.retain(|_, (_, _, at)| at.elapsed() < REMEMBERED_FOR);
        }
        handed.insert(exposed, (server_id.to_string(), own, Instant::now()));
    }

    /// The member and its own id of the task a client knows as `exposed`.
    fn route(&self, exposed: &str) -> Result<(String, String), McpError> {
        lock(&self.handed)
            .get(exposed)
            .map(|(server, own, _)| (server.clone(), own.clone()))
            .ok_or_else(|| {
                McpError::invalid_params(
                    format!("this portal handed out no task '{exposed}' (or has restarted since); make the call again"),
                    None,
                )
            })
    }
}

impl PortalHandler {
    pub(super) async fn member_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        let (server_id, own) = self.state.tasks.route(&request.task_id)?;
        let exposed = request.task_id.clone();
        let mut upstream = request;
        upstream.task_id = own;
        let mut state = self
            .forward(&server_id, "the task", &context, async move |s| {
                s.service.peer().get_task(upstream.clone()).await
            })
            .await?;
        state.task.task.task_id = exposed;
        Ok(state)
    }

    pub(super) async fn update_member_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let (server_id, own) = self.state.tasks.route(&request.task_id)?;
        let mut upstream = request;
        upstream.task_id = own;
        self.forward(&server_id, "the task's update", &context, async move |s| {
            s.service.peer().update_task(upstream.clone()).await
        })
        .await
    }

    pub(super) async fn cancel_member_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let (server_id, own) = self.state.tasks.route(&request.task_id)?;
        let mut upstream = request;
        upstream.task_id = own;
        self.forward(&server_id, "the task's cancel", &context, async move |s| {
            s.service.peer().cancel_task(upstream.clone()).await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::{Task, TaskStatus};

    fn handle(id: &str) -> CreateTaskResult {
        CreateTaskResult::new(Task::new(id, TaskStatus::Working, "t0", "t0"))
    }

    #[test]
    fn a_members_task_is_known_by_a_namespaced_id_and_only_ids_handed_out_route() {
        let tasks = HandedTasks::default();
        let (mut a, mut b) = (handle("7"), handle("7"));
        tasks.hand("server-a", &mut a);
        tasks.hand("server-b", &mut b);
        assert_eq!(a.task.task_id, "server-a.7");
        assert_eq!(b.task.task_id, "server-b.7");
        assert_eq!(
            tasks.route("server-b.7").unwrap(),
            ("server-b".to_string(), "7".to_string())
        );
        // A well-formed id this portal never handed out (another portal's, a guess) is refused.
        let err = tasks.route("server-a.8").unwrap_err();
        assert!(
            err.message.contains("handed out no task"),
            "{}",
            err.message
        );
    }
}

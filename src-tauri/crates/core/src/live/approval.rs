//! The approval rules of SPEC §1, apart from storage so they can be read and tested alone.
//! A definition that changed after approval never keeps its approval (no "rug pull"), and
//! a denial survives every change.

use crate::servers::ApprovalState;

/// What the store knows of a tool from earlier syncs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Known {
    pub state: ApprovalState,
    pub approved_hash: Option<String>,
}

/// The state a tool takes at a sync, and whether this sync approves its definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub state: ApprovalState,
    pub approve_definition: bool,
}

pub(crate) fn decide(
    known: Option<&Known>,
    hash: &str,
    first_sync: bool,
    auto_approve_first_sync: bool,
) -> Decision {
    let keep = |state| Decision {
        state,
        approve_definition: false,
    };
    match known {
        None if first_sync && auto_approve_first_sync => Decision {
            state: ApprovalState::Approved,
            approve_definition: true,
        },
        None => keep(ApprovalState::NeedsApproval),
        Some(k) if k.state == ApprovalState::Denied => keep(ApprovalState::Denied),
        // Back to exactly what was approved: the approval holds again.
        Some(k) if k.approved_hash.as_deref() == Some(hash) => keep(ApprovalState::Approved),
        Some(_) => keep(ApprovalState::NeedsApproval),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApprovalState::*;

    fn known(state: ApprovalState, hash: Option<&str>) -> Known {
        Known {
            state,
            approved_hash: hash.map(str::to_string),
        }
    }

    #[test]
    fn the_first_sync_approves_only_when_the_workspace_says_so() {
        assert_eq!(decide(None, "h", true, true).state, Approved);
        assert!(decide(None, "h", true, true).approve_definition);
        assert_eq!(decide(None, "h", true, false).state, NeedsApproval);
    }

    #[test]
    fn a_tool_that_appears_later_waits_for_approval() {
        assert_eq!(decide(None, "h", false, true).state, NeedsApproval);
    }

    #[test]
    fn a_changed_definition_loses_its_approval_and_regains_it_when_reverted() {
        let k = known(Approved, Some("old"));
        assert_eq!(decide(Some(&k), "new", false, true).state, NeedsApproval);
        assert_eq!(decide(Some(&k), "old", false, true).state, Approved);
        let waiting = known(NeedsApproval, Some("old"));
        assert_eq!(decide(Some(&waiting), "old", false, true).state, Approved);
        assert_eq!(
            decide(Some(&waiting), "newer", false, true).state,
            NeedsApproval
        );
    }

    #[test]
    fn a_denied_tool_stays_denied_whatever_changes() {
        let k = known(Denied, Some("old"));
        assert_eq!(decide(Some(&k), "new", false, true).state, Denied);
        assert_eq!(decide(Some(&k), "old", true, true).state, Denied);
    }
}

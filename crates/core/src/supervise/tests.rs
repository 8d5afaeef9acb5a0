use super::*;

fn queue(id: i64, waiting: i64) -> QueueRow {
    QueueRow {
        id,
        name: format!("Q{id}"),
        waiting,
        oldest_ms: None,
        offering: 0,
        available: 1,
        answered_hour: 0,
        in_time_hour: 0,
        abandoned_hour: 0,
        late_waiting: 0,
    }
}

fn agent(id: i64, queues: &[i64]) -> AgentRow {
    AgentRow {
        id,
        name: format!("A{id}"),
        status: AgentStatus::Available,
        status_ms: 0,
        chats: 0,
        wrapups: 0,
        max_chats: 3,
        last_seen_ms: 0,
        asking_help: false,
        queues: queues.to_vec(),
    }
}

fn chat(id: i64, queue_id: i64, phase: Phase) -> ChatRow {
    ChatRow {
        id,
        queue_id,
        agent_id: None,
        agent: None,
        customer: format!("C{id}"),
        phase,
        since_ms: id,
        customer_last_ms: None,
        help_ms: None,
    }
}

fn board() -> Board {
    Board {
        at_ms: 1,
        queues: [(1, queue(1, 2)), (2, queue(2, 0))].into(),
        agents: [
            (7, agent(7, &[1])),
            (8, agent(8, &[2])),
            (9, agent(9, &[1, 2])),
        ]
        .into(),
        chats: [
            (10, chat(10, 1, Phase::Waiting)),
            (11, chat(11, 2, Phase::Active)),
        ]
        .into(),
    }
}

#[test]
fn a_diff_applied_gives_the_new_board() {
    let old = board();
    let mut new = old.clone();
    new.at_ms = 2;
    new.chats.remove(&10);
    new.chats.insert(12, chat(12, 1, Phase::Offered));
    new.agents.get_mut(&7).expect("agent 7").chats = 1;
    let d = old.diff(&new);
    assert_eq!(d.gone_chats, vec![10]);
    assert_eq!(d.chats.len(), 1, "only the new chat");
    assert_eq!(d.agents.len(), 1, "only the changed agent");
    assert!(d.queues.is_empty());
    let mut applied = old.clone();
    applied.apply(d);
    assert_eq!(applied, new);
    assert!(new.diff(&new).is_empty(), "no change, nothing to send");
}

#[test]
fn a_first_picture_is_a_diff_from_nothing() {
    let b = board();
    let mut got = Board::default();
    got.apply(Board::default().diff(&b));
    assert_eq!(got, b);
}

#[test]
fn a_supervisor_sees_their_queues_and_those_queues_agents() {
    let b = board();
    let s = b.scoped(&Scope::Queues([1].into()));
    assert_eq!(s.queues.keys().copied().collect::<Vec<_>>(), vec![1]);
    assert_eq!(s.chats.keys().copied().collect::<Vec<_>>(), vec![10]);
    assert_eq!(s.agents.keys().copied().collect::<Vec<_>>(), vec![7, 9]);
    assert_eq!(b.scoped(&Scope::All), b);
    assert!(b.scoped(&Scope::Queues(BTreeSet::new())).chats.is_empty());
}

#[test]
fn service_level_counts_late_waiting_and_abandoned_as_missed() {
    let mut q = queue(1, 0);
    assert_eq!(q.service_level(), None, "nothing in the hour");
    q.answered_hour = 6;
    q.in_time_hour = 6;
    assert_eq!(q.service_level(), Some(100));
    q.abandoned_hour = 2;
    q.late_waiting = 2;
    assert_eq!(q.service_level(), Some(60));
}

#[test]
fn every_audit_action_reads_back() {
    for a in AuditAction::ALL {
        assert_eq!(AuditAction::parse(a.as_str()), Some(a));
    }
    assert_eq!(AuditAction::parse("monitor"), None);
    let say = Supervision::Say {
        chat_id: 1,
        message: NewMessage::plain(crate::Sender::Agent, "Sam", Some(1), "hi"),
    };
    assert_eq!(
        say.audit(),
        None,
        "a joined supervisor's line is in the transcript"
    );
    let end = Supervision::End { chat_id: 4 };
    assert_eq!(
        (end.audit(), end.chat_id()),
        (Some(AuditAction::End), Some(4))
    );
}

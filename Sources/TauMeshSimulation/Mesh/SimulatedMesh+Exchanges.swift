import Foundation
import TauIdentity
import TauMesh

/// What happens in the simulated mesh; `requester` started the contact, `responder` answers it.
enum Event {
    /// A node starts a round: its pending bootstrap hellos, then a gossip round.
    case round(Int32)
    case helloArrives(requester: Int32, responder: Int32)
    case helloAnswered(requester: Int32, responder: Int32)
    case gossipArrives(requester: Int32, responder: Int32, view: GossipList)
    case gossipAnswered(requester: Int32, responder: Int32, view: GossipList)
    /// The requester gives up on a contact (unreachable, lost, refused).
    case contactFailed(requester: Int32, responder: Int32, hello: Bool)
    /// The requester has merged an answer and goes on with its round.
    case contactDone(Int32)
}

extension SimulatedMesh {
    func handle(_ event: Event) {
        switch event {
        case .round(let node): startRound(Int(node))
        case .helloArrives(let requester, let responder): helloArrives(Int(requester), Int(responder))
        case .helloAnswered(let requester, let responder): helloAnswered(Int(requester), Int(responder))
        case .gossipArrives(let requester, let responder, let view): gossipArrives(Int(requester), Int(responder), view)
        case .gossipAnswered(let requester, let responder, let view): gossipAnswered(Int(requester), Int(responder), view)
        case .contactFailed(let requester, let responder, let hello): contactFailed(Int(requester), Int(responder), hello: hello)
        case .contactDone(let node): nextContact(Int(node))
        }
    }

    /// Starts every node: bootstrap links to one or two random earlier nodes (like
    /// `scripts/mesh-sim.sh`), and a first round at a random phase within one interval.
    func start() {
        for node in 0..<count {
            if node > 0 {
                let first = Int32.random(in: 0..<Int32(node), using: &generator)
                var links = [first]
                if node > 1, Bool.random(using: &generator) {
                    let second = Int32.random(in: 0..<Int32(node), using: &generator)
                    if second != first { links.append(second) }
                }
                nodes[node].pendingHellos = links
            }
            queue.schedule(.round(Int32(node)), at: Double.random(in: 0..<policy.interval, using: &generator))
        }
    }

    /// `Specs/mesh.md` section 7.3: forget long-dead peers, choose the targets and build the
    /// view once, then contact the targets one after the other (pending hellos first).
    private func startRound(_ node: Int) {
        let state = nodes[node]
        guard state.alive else { return }
        let clock = date(now)
        // A row is forgotten after being dead for `forgetDeadAfter`, so none can be before
        // the simulation has run that long: asking would only walk the table.
        if now > policy.forgetDeadAfter { remove(policy.forgotten(in: state.table, at: clock), from: node) }
        let targets = policy.targets(in: state.table, own: identities.dids[node], at: clock, using: &generator)
        state.roundView = policy.view(own: ownAdvertisement(node), table: state.table, news: state.news.items, at: clock, using: &generator)
        state.roundViewBytes = WireSize.gossip(state.roundView, reply: false, padding: SimulatedIdentities.padding(of: state.roundView.peers))
        state.contacts = state.pendingHellos.map(Contact.hello)
            + targets.compactMap { peer in identities.indexOfEndpoint[peer.endpoint].map(Contact.gossip) }
        nextContact(node)
    }

    /// Sends the next contact of the round, or schedules the next round one interval after
    /// this one ended (the interval separates rounds, section 7.3).
    func nextContact(_ node: Int) {
        let state = nodes[node]
        guard state.alive else { return }
        guard !state.contacts.isEmpty else {
            queue.schedule(.round(Int32(node)), at: now + policy.interval)
            return
        }
        switch state.contacts.removeFirst() {
        case .hello(let responder):
            // The hello's own budget; the responder's log is pulled first if not held.
            var delay = 0.0
            if heldVersion(node, of: Int(responder)) == 0 {
                state.pullAttempts += 1
                if nodes[Int(responder)].alive {
                    delay = latency() + latency()
                    held[node * count + Int(responder)] = UInt8(heldVersion(Int(responder), of: Int(responder)))
                }
            }
            state.bytesSent += WireSize.hello(ownAdvertisement(node), reply: false, padding: SimulatedIdentities.padding(of: ownAdvertisement(node)))
            state.messagesSent += 1
            send(.helloArrives(requester: Int32(node), responder: responder), after: delay, hello: true)
        case .gossip(let responder):
            state.bytesSent += state.roundViewBytes
            state.messagesSent += 1
            state.entriesSent += state.roundView.peers.count
            send(.gossipArrives(requester: Int32(node), responder: responder, view: state.roundView), after: 0, hello: false)
        }
    }

    /// Delivers a request after `delay` plus a latency, or fails the contact when the
    /// responder is down or the message is lost.
    private func send(_ event: Event, after delay: Double, hello: Bool) {
        guard case let (requester, responder)? = event.parties else { return }
        if !nodes[Int(responder)].alive {
            queue.schedule(.contactFailed(requester: requester, responder: responder, hello: hello), at: now + delay + parameters.unreachableDelay)
        } else if lost() {
            queue.schedule(.contactFailed(requester: requester, responder: responder, hello: hello), at: now + delay + parameters.timeout)
        } else {
            queue.schedule(event, at: now + delay + latency())
        }
    }

    /// Sends a reply after `delay` (the responder's pulls) plus a latency; a lost reply
    /// leaves the requester waiting for its timeout.
    private func reply(_ event: Event, after delay: Double, hello: Bool) {
        guard case let (requester, responder)? = event.parties else { return }
        if lost() {
            queue.schedule(.contactFailed(requester: requester, responder: responder, hello: hello), at: now + parameters.timeout)
        } else {
            queue.schedule(event, at: now + delay + latency())
        }
    }

    /// Section 4.3: the responder merges the requester's advertisement first-hand, marks it
    /// alive and answers with its own advertisement.
    private func helloArrives(_ requester: Int, _ responder: Int) {
        guard nodes[responder].alive else {
            queue.schedule(.contactFailed(requester: Int32(requester), responder: Int32(responder), hello: true), at: now + parameters.unreachableDelay)
            return
        }
        let advertisement = ownAdvertisement(requester)
        let spent = learn(GossipList(peers: [advertisement]), at: responder, from: advertisement.did, relay: nil, budget: LogPullBudget(), bootstrap: true)
        let clock = date(now + spent)
        update(responder, requester) { $0?.recordSuccess(at: clock) }
        nodes[responder].bytesSent += WireSize.hello(ownAdvertisement(responder), reply: true, padding: SimulatedIdentities.padding(of: ownAdvertisement(responder)))
        nodes[responder].messagesSent += 1
        reply(.helloAnswered(requester: Int32(requester), responder: Int32(responder)), after: spent, hello: true)
    }

    /// Section 7.2, steps 5-6: the requester merges the answer as hearsay relayed by the URL
    /// it used, then sets the responder's row (creating it if the merge did not) and records a success.
    private func helloAnswered(_ requester: Int, _ responder: Int) {
        let state = nodes[requester]
        guard state.alive else { return }
        let spent = learn(GossipList(peers: [ownAdvertisement(responder)]), at: requester, from: nil, relay: identities.endpoints[responder], budget: LogPullBudget())
        let clock = date(now + spent)
        let did = identities.dids[responder]
        let endpoint = identities.endpoints[responder]
        update(requester, responder) { row in
            var known = row ?? Peer(did: did, endpoint: endpoint, firstSeen: clock, changedAt: clock)
            if known.endpoint != endpoint { known.changedAt = clock }
            known.endpoint = endpoint
            known.recordSuccess(at: clock)
            row = known
        }
        state.pendingHellos.removeAll { $0 == Int32(responder) }
        queue.schedule(.contactDone(Int32(requester)), at: now + spent)
    }

    /// Section 4.4: a responder that knows the requester is deactivated refuses; otherwise it
    /// merges the list (relayed by the requester's own element), marks the requester alive in
    /// the same step, and answers with its view.
    private func gossipArrives(_ requester: Int, _ responder: Int, _ view: GossipList) {
        let state = nodes[responder]
        guard state.alive else {
            queue.schedule(.contactFailed(requester: Int32(requester), responder: Int32(responder), hello: false), at: now + parameters.unreachableDelay)
            return
        }
        guard !refuses(responder, from: requester) else {
            queue.schedule(.contactFailed(requester: Int32(requester), responder: Int32(responder), hello: false), at: now + latency())
            return
        }
        let sender = identities.dids[requester]
        let relay = view.peers.first { $0.did == sender }?.endpoints.first
        let spent = learn(view, at: responder, from: sender, relay: relay, budget: LogPullBudget())
        let clock = date(now + spent)
        update(responder, requester) { $0?.recordSuccess(at: clock) }
        let answer = policy.view(own: ownAdvertisement(responder), table: state.table, news: state.news.items, at: clock, using: &generator)
        state.bytesSent += WireSize.gossip(answer, reply: true, padding: SimulatedIdentities.padding(of: answer.peers))
        state.messagesSent += 1
        state.entriesSent += answer.peers.count
        reply(.gossipAnswered(requester: Int32(requester), responder: Int32(responder), view: answer), after: spent, hello: false)
    }

    /// Section 7.3, step 5: the requester refuses a reply from a node it knows is
    /// deactivated; otherwise it merges the reply relayed by the responder's endpoint and
    /// records a success in the same step.
    private func gossipAnswered(_ requester: Int, _ responder: Int, _ view: GossipList) {
        guard nodes[requester].alive else { return }
        guard !refuses(requester, from: responder) else {
            contactFailed(requester, responder, hello: false)
            return
        }
        let spent = learn(
            view, at: requester, from: identities.dids[responder], relay: identities.endpoints[responder], budget: LogPullBudget())
        let clock = date(now + spent)
        update(requester, responder) { $0?.recordSuccess(at: clock) }
        queue.schedule(.contactDone(Int32(requester)), at: now + spent)
    }

    /// Section 6.4: a failed gossip exchange is a failure of the peer; a failed hello is
    /// retried next round.
    private func contactFailed(_ requester: Int, _ responder: Int, hello: Bool) {
        guard nodes[requester].alive else { return }
        if !hello {
            let clock = date(now)
            let baseDelay = policy.interval
            update(requester, responder) { $0?.recordFailure(at: clock, baseDelay: baseDelay) }
        }
        nextContact(requester)
    }
}

extension Event {
    /// The requester and responder of a request or reply.
    var parties: (Int32, Int32)? {
        switch self {
        case .helloArrives(let requester, let responder), .helloAnswered(let requester, let responder),
            .gossipArrives(let requester, let responder, _), .gossipAnswered(let requester, let responder, _),
            .contactFailed(let requester, let responder, _):
            return (requester, responder)
        case .round, .contactDone:
            return nil
        }
    }
}

import FunctionSDK

/// ESO objects wait for ESO (and their namespace) in the new cluster, and say so in a condition: a
/// ClusterSecretStore or ExternalSecret applied before ESO's CRDs exist would fail and retry for nothing.
enum Gating {
    /// The group of the ESO objects a Cluster composes in the new cluster (the ClusterSecretStore
    /// and the ExternalSecrets): the condition lists those held back.
    static let esoObjects: StaticString = "external-secrets"

    /// The `ExternalSecretsComposed` condition: True when nothing is requested or all is composed, False
    /// with what waits for what otherwise.
    static func condition(for cluster: ClusterClaim, resources: [Composed]) -> FnV1.Condition {
        var c = FnV1.Condition()
        c.type = "ExternalSecretsComposed"
        c.target = .compositeAndClaim
        let requested = resources.filter { $0.group != nil }
        var held: [(key: String, gate: Gate)] = []
        for r in requested {
            if let g = r.firstUnmetGate(observed: cluster.claim.observed) { held.append((r.keyString, g)) }
        }
        if requested.isEmpty {
            c.status = .conditionTrue
            c.reason = "NothingRequested"
            c.message = "No ClusterSecretStore or ExternalSecret is requested."
        } else if held.isEmpty {
            c.status = .conditionTrue
            c.reason = "Composed"
            c.message = "All requested External Secrets Operator objects are composed."
        } else {
            c.status = .conditionFalse
            let waitingForESO = held.filter { $0.gate.key == cluster.esoReleaseKey }
            c.reason = waitingForESO.isEmpty ? "WaitingForNamespace" : "WaitingForExternalSecretsOperator"
            var sentences: [String] = []
            if !waitingForESO.isEmpty {
                sentences.append(
                    "Waiting for Release \(cluster.esoReleaseKey) to become Ready before composing \(waitingForESO.map(\.key).joined(separator: ", "))."
                )
            }
            for n in cluster.namespaces {
                let namespaceKey = "\(cluster.id)-ns-\(n)"
                let keys = held.filter { $0.gate.key.string == namespaceKey }.map(\.key)
                if !keys.isEmpty {
                    sentences.append(
                        "Waiting for Object \(cluster.id)-ns-\(n) to become Ready before composing \(keys.joined(separator: ", "))."
                    )
                }
            }
            c.message = sentences.joined(separator: " ")
        }
        return c
    }
}

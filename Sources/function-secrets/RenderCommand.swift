import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf

/// `function-secrets render`: what `crossplane render` does for a composition whose pipeline is this
/// function, with no cluster and no Docker. The request goes through the same handler as a gRPC
/// call (`FunctionRunnerService.call`); the output is the same kind of YAML stream.
enum RenderCommand {
    struct Options {
        var claim = ""
        var composition: String?
        var observed: [String] = []
        var contextValues: [(String, String)] = []
        var contextFiles: [(String, String)] = []
        var includeFullXR = false
        var includeContext = false
        var includeResults = false
    }

    struct RenderError: Error, CustomStringConvertible {
        var description: String
    }

    static let usage = """
        usage: function-secrets render CLAIM.yaml [flags]

        Renders a ClusterClaim or SQLClaim (or the XR Crossplane makes of it), or a Crossplane v2
        namespaced Cluster XR, with function-secrets, as `crossplane render` would, with no cluster and no
        Docker. The file's first document that is not a core v1 object (such as a Secret the XR needs) is
        rendered. Prints a YAML stream: the XR with its status, then each composed resource sorted by
        composition resource name.

        flags:
          --composition FILE            a Pipeline Composition from examples/; its function-secrets step's input is used
          -o, --observed-resources PATH a YAML file or folder of observed composed resources
                                        (named by the crossplane.io/composition-resource-name annotation)
          --context-values K=JSON       a pipeline context value (repeatable)
          --context-files K=FILE        a pipeline context value read from a JSON or YAML file (repeatable)
          -x, --include-full-xr         print the XR's spec and metadata too
          -c, --include-context         print the context after the pipeline
          -r, --include-function-results  print the function's non-fatal results
        """

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var i = 0
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < args.count else { throw RenderError(description: "flag \(flag) needs a value") }
            return args[i]
        }
        func pair(_ flag: String) throws -> (String, String) {
            let v = try value(flag)
            guard let eq = v.firstIndex(of: "=") else {
                throw RenderError(description: "\(flag) wants KEY=VALUE, got \"\(v)\"")
            }
            return (String(v[..<eq]), String(v[v.index(after: eq)...]))
        }
        var positional: [String] = []
        while i < args.count {
            switch args[i] {
            case "--composition": o.composition = try value(args[i])
            case "-o", "--observed-resources": o.observed.append(try value(args[i]))
            case "--context-values": o.contextValues.append(try pair(args[i]))
            case "--context-files": o.contextFiles.append(try pair(args[i]))
            case "-x", "--include-full-xr": o.includeFullXR = true
            case "-c", "--include-context": o.includeContext = true
            case "-r", "--include-function-results": o.includeResults = true
            default:
                if args[i].hasPrefix("-") { throw RenderError(description: "unknown flag \"\(args[i])\"") }
                positional.append(args[i])
            }
            i += 1
        }
        guard positional.count == 1 else { throw RenderError(description: "render takes exactly one claim or XR file") }
        o.claim = positional[0]
        return o
    }

    static let claimKinds = ["ClusterClaim": "CompositeCluster", "SQLClaim": "SQL"]

    /// The XR Crossplane makes of a claim: spec copied, claimRef set, labels naming the claim. The
    /// name suffix is derived from the claim so that renders are repeatable.
    static func compositeResource(from doc: JSON, file: String) throws -> (
        xr: JSON.Object, claim: (name: String, namespace: String)?
    ) {
        guard let o = doc.object, let kind = o["kind"]?.string, let apiVersion = o["apiVersion"]?.string else {
            throw RenderError(description: "\(file): the claim or composite resource needs apiVersion and kind")
        }
        guard let xrKind = claimKinds[kind] else { return (o, nil) }
        let name = doc[path: ["metadata", "name"]]?.string ?? "claim"
        let namespace = doc[path: ["metadata", "namespace"]]?.string ?? "default"
        var spec = o["spec"]?.object ?? JSON.Object()
        spec["claimRef"] = [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name),
            "namespace": .string(namespace),
        ]
        let xr: JSON.Object = [
            "apiVersion": .string(apiVersion), "kind": .string(xrKind),
            "metadata": [
                "name": .string("\(name)-\(suffix(namespace + "/" + name))"),
                "labels": [
                    "crossplane.io/claim-name": .string(name), "crossplane.io/claim-namespace": .string(namespace),
                ],
            ],
            "spec": .object(spec),
        ]
        return (xr, (name, namespace))
    }

    static func suffix(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { i in alphabet[Int((h >> (UInt64(i) * 8)) % UInt64(alphabet.count))] })
    }

    static func run(_ args: [String]) -> Int32 {
        do {
            let o = try parse(args)
            let (out, fatal) = try render(o)
            FileHandle.standardOutput.write(Data(out.utf8))
            if let message = fatal {
                FileHandle.standardError.write(
                    Data("function-secrets: cannot render composite resource: \(message)\n".utf8))
                return 1
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("function-secrets: \(error)\n".utf8))
            return 1
        }
    }

    /// The YAML stream, or the Fatal result's message (then nothing is printed but the error).
    static func render(_ o: Options) throws -> (String, String?) {
        // An XR file may carry what the XR needs besides it (a password Secret, a Namespace): core v1
        // objects are passed over, as no claim or XR is one.
        let docs = try YAMLDocuments.read(o.claim)
        guard let doc = docs.first(where: { $0["apiVersion"]?.string != "v1" }) else {
            throw RenderError(description: "\(o.claim): no claim or composite resource among its YAML documents")
        }
        let (xr, claim) = try compositeResource(from: doc, file: o.claim)
        var input: JSON.Object?
        var step = "secrets"
        if let path = o.composition {
            (input, step) = try compositionStep(path, xrKind: xr["kind"]?.string ?? "")
        }
        var observed: [(String, JSON.Object)] = []
        for path in o.observed {
            for (file, resource) in try observedDocuments(path) {
                guard
                    let key = JSON.object(resource)[path: [
                        "metadata", "annotations", "crossplane.io/composition-resource-name",
                    ]]?.string
                else {
                    throw RenderError(
                        description:
                            "\(file): an observed resource needs the annotation crossplane.io/composition-resource-name"
                    )
                }
                observed.append((key, resource))
            }
        }
        var context = JSON.Object()
        for (k, v) in o.contextValues {
            // JSON is YAML, so one reader serves both.
            context[k] = try YAMLDocuments.parse(v, source: "--context-values \(k)").first ?? .null
        }
        for (k, file) in o.contextFiles {
            context[k] = try YAMLDocuments.read(file).first ?? .null
        }

        // The request core would send: observed XR and resources, an empty desired state, input, context.
        var request: [UInt8] = []
        var state: [UInt8] = []
        var composite: [UInt8] = []
        WireFormat.appendField(1, StructCodec.encodedStruct(xr), to: &composite)
        WireFormat.appendField(1, composite, to: &state)
        for (key, r) in observed {
            var resource: [UInt8] = []
            WireFormat.appendField(1, StructCodec.encodedStruct(r), to: &resource)
            WireFormat.appendMapEntry(2, key: key, value: resource, to: &state)
        }
        WireFormat.appendField(2, state, to: &request)
        WireFormat.appendField(3, [UInt8](), to: &request)
        if let input { WireFormat.appendField(4, StructCodec.encodedStruct(input), to: &request) }
        WireFormat.appendField(5, StructCodec.encodedStruct(context), to: &request)

        let response = try FnV1.RunFunctionResponse(
            serializedBytes: try FunctionRunnerService.call(SecretsFunction(), requestBytes: request))
        if let fatal = response.results.first(where: { $0.severity == .fatal }) {
            return ("", "pipeline step \"\(step)\" returned a fatal result: \(fatal.message)")
        }
        return (try stream(response, xr: xr, claim: claim, step: step, options: o), nil)
    }

    static func compositionStep(_ path: String, xrKind: String) throws -> (JSON.Object?, String) {
        guard let c = try YAMLDocuments.read(path).first else {
            throw RenderError(description: "\(path): no YAML document")
        }
        guard c["kind"]?.string == "Composition" else { throw RenderError(description: "\(path): not a Composition") }
        let kind = c[path: ["spec", "compositeTypeRef", "kind"]]?.string ?? ""
        guard kind == xrKind else {
            throw RenderError(description: "\(path): the Composition composes \(kind), not \(xrKind)")
        }
        guard c[path: ["spec", "mode"]]?.string == "Pipeline" else {
            throw RenderError(description: "\(path): only mode Pipeline is supported")
        }
        for s in c[path: ["spec", "pipeline"]]?.list ?? []
        where s[path: ["functionRef", "name"]]?.string == "function-secrets" {
            return (s["input"]?.object, s["step"]?.string ?? "secrets")
        }
        throw RenderError(description: "\(path): no pipeline step calls function-secrets")
    }

    static func observedDocuments(_ path: String) throws -> [(String, JSON.Object)] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw RenderError(description: "cannot read \(path): no such file or folder")
        }
        let files =
            isDir.boolValue
            ? try FileManager.default.contentsOfDirectory(atPath: path).filter {
                $0.hasSuffix(".yaml") || $0.hasSuffix(".yml")
            }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            : [path]
        return try files.flatMap { f in try YAMLDocuments.read(f).compactMap { d in d.object.map { (f, $0) } } }
    }

    static func json(_ s: Google_Protobuf_Struct) throws -> JSON.Object {
        try StructCodec.decodeStruct(ArraySlice(try s.serializedBytes() as [UInt8]))
    }

    static let fixedTime = "2024-01-01T00:00:00Z"

    static func stream(
        _ r: FnV1.RunFunctionResponse, xr: JSON.Object, claim: (name: String, namespace: String)?, step: String,
        options o: Options
    ) throws -> String {
        let xrName = JSON.object(xr)[path: ["metadata", "name"]]?.string ?? ""
        var docs: [JSON] = []
        // 1. The XR: identity, the desired status, Ready, and the function's conditions.
        var xrOut: JSON.Object =
            o.includeFullXR
            ? xr
            : [
                "apiVersion": xr["apiVersion"], "kind": xr["kind"],
                "metadata": ["name": .string(xrName), "namespace": xr["metadata"]?["namespace"]],
            ]
        var status =
            r.desired.hasComposite
            ? (try json(r.desired.composite.resource))["status"]?.object ?? JSON.Object() : JSON.Object()
        let unready = r.desired.resources.filter { $0.value.ready != .true }.map(\.key).sorted()
        var conditions: [JSON] = [
            unready.isEmpty
                ? ["type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": .string(fixedTime)]
                : [
                    "type": "Ready", "status": "False", "reason": "Creating",
                    "message": .string("Unready resources: \(unready.joined(separator: ", "))"),
                    "lastTransitionTime": .string(fixedTime),
                ]
        ]
        for c in r.conditions {
            let s = c.status == .conditionTrue ? "True" : c.status == .conditionFalse ? "False" : "Unknown"
            conditions.append([
                "type": .string(c.type), "status": .string(s), "reason": .string(c.reason),
                "message": c.hasMessage ? .string(c.message) : nil, "lastTransitionTime": .string(fixedTime),
            ])
        }
        status["conditions"] = .list(conditions)
        xrOut["status"] = .object(status)
        docs.append(.object(xrOut))
        // 2. Composed resources, sorted by composition resource name, as core would label them.
        for key in r.desired.resources.keys.sorted() {
            var object = try json(r.desired.resources[key]!.resource)
            var metadata = object["metadata"]?.object ?? JSON.Object()
            var annotations = metadata["annotations"]?.object ?? JSON.Object()
            annotations["crossplane.io/composition-resource-name"] = .string(key)
            metadata["annotations"] = .object(annotations)
            if metadata["name"] == nil { metadata["generateName"] = .string("\(xrName)-") }
            // Crossplane v2 puts every resource of a namespaced XR into the XR's namespace.
            if let ns = xr["metadata"]?["namespace"], ns.string?.isEmpty == false { metadata["namespace"] = ns }
            var labels = metadata["labels"]?.object ?? JSON.Object()
            labels["crossplane.io/composite"] = .string(xrName)
            if let claim {
                labels["crossplane.io/claim-name"] = .string(claim.name)
                labels["crossplane.io/claim-namespace"] = .string(claim.namespace)
            }
            metadata["labels"] = .object(labels)
            metadata["ownerReferences"] = [
                [
                    "apiVersion": xr["apiVersion"], "kind": xr["kind"], "name": .string(xrName),
                    "uid": "", "controller": true, "blockOwnerDeletion": true,
                ]
            ]
            object["metadata"] = .object(metadata)
            docs.append(.object(object))
        }
        // 3. Results, 4. context.
        if o.includeResults {
            for res in r.results {
                docs.append([
                    "apiVersion": "render.crossplane.io/v1beta1", "kind": "Result", "step": .string(step),
                    "severity": .string("\(res.severity)"), "message": .string(res.message),
                ])
            }
        }
        if o.includeContext {
            docs.append([
                "apiVersion": "render.crossplane.io/v1beta1", "kind": "Context",
                "fields": .object(r.hasContext ? try json(r.context) : JSON.Object()),
            ])
        }
        return docs.map { "---\n" + CanonicalYAML.document($0) }.joined()
    }
}

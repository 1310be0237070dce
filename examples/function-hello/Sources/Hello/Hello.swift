import FunctionSDK

/// Says hello to whoever an `XHello` names: a ConfigMap in the target cluster holding the
/// greeting, and a Release of a web server that shows it. Reports with a condition and a result.
public struct Hello: CompositionFunction {
    /// The step's input: `{greeting: "Hello", replicas: 2}`.
    struct Input: Decodable {
        var greeting: String
        var replicas: Int?
    }

    public init() {}

    public func run(_ request: FunctionRequest) throws -> FunctionResponse {
        var response = FunctionResponse.to(request, ttl: .seconds(30))
        let input: Input
        do {
            input = try request.input(as: Input.self) ?? Input(greeting: "Hello")
        } catch let error as InputError {
            response.fatal("function input: \(error)", reason: "InvalidFunctionInput", target: .composite)
            return response
        }
        guard let xr = try request.observedComposite(), let who = xr[path: "spec", "who"]?.string, !who.isEmpty
        else {
            response.fatal("spec.who is required", reason: "InvalidParameters", target: .composite)
            return response
        }
        let name = xr[path: "metadata", "name"]?.string ?? who
        let observed = try request.observedResources()

        for resource in resources(name: name, who: who, input: input) {
            response.compose(resource, ready: observed[resource.keyString]?.isReady == true ? .true : .false)
        }
        response.setCompositeStatus("greeting", .string("\(input.greeting), \(who)!"))
        let greeted = observed["greeting"]?.isReady == true
        response.setCondition(
            "Greeted", status: greeted ? .conditionTrue : .conditionFalse, reason: greeted ? "Available" : "Creating",
            message: greeted ? nil : "Waiting for the greeting ConfigMap", target: .composite)
        response.normal("said \(input.greeting.lowercased()) to \(who)", reason: "Greeted", target: .composite)
        return response
    }

    @ResourcesBuilder
    func resources(name: String, who: String, input: Input) -> [Composed] {
        KubernetesObject(
            key: "greeting", name: "\(name)-greeting",
            manifest: [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "greeting", "namespace": "default"],
                "data": ["message": "\(input.greeting), \(who)!"],
            ],
            providerConfig: name)
        Release(
            key: "web", name: "\(name)-web",
            chart: ["name": "hello-web", "repository": "https://charts.example.org", "version": "1.0.0"],
            namespace: "default", values: ["replicas": Rendered(input.replicas ?? 1), "configMap": "greeting"],
            providerConfig: name)
    }
}

import SwiftProtobuf

/// The messages of Crossplane's function protocol, under one name as function-sdk-go writes
/// `fnv1.Result`: kept out of the global namespace, where `Result` or `State` would hide the
/// standard library's types from every file that imports the SDK.
///
/// The v1 and v1beta1 messages are identical on the wire (the v1beta1 file is v1 with the package
/// renamed), so one set of generated types decodes and encodes both paths.
public enum FnV1 {
    /// What core sends each reconcile.
    public typealias RunFunctionRequest = Apiextensions_Fn_Proto_V1_RunFunctionRequest
    /// What a function answers.
    public typealias RunFunctionResponse = Apiextensions_Fn_Proto_V1_RunFunctionResponse
    /// The composite and composed resources, observed or desired.
    public typealias State = Apiextensions_Fn_Proto_V1_State
    /// One resource: its object, connection details and readiness.
    public typealias Resource = Apiextensions_Fn_Proto_V1_Resource
    /// The resources that one requirement selected.
    public typealias Resources = Apiextensions_Fn_Proto_V1_Resources
    /// A Fatal, Warning or Normal result: an event on the composite (and claim).
    public typealias Result = Apiextensions_Fn_Proto_V1_Result
    /// A condition the function sets on the composite.
    public typealias Condition = Apiextensions_Fn_Proto_V1_Condition
    /// Whether a composed resource is ready, as the function says.
    public typealias Ready = Apiextensions_Fn_Proto_V1_Ready
    /// The severity of a result.
    public typealias Severity = Apiextensions_Fn_Proto_V1_Severity
    /// Where a result or condition is reported: the composite, or the composite and its claim.
    public typealias Target = Apiextensions_Fn_Proto_V1_Target
    /// True, False or Unknown.
    public typealias ConditionStatus = Apiextensions_Fn_Proto_V1_Status
    /// The echoed tag and the TTL.
    public typealias ResponseMeta = Apiextensions_Fn_Proto_V1_ResponseMeta
    /// The request's tag and the core's capabilities.
    public typealias RequestMeta = Apiextensions_Fn_Proto_V1_RequestMeta
    /// A feature the calling core supports.
    public typealias Capability = Apiextensions_Fn_Proto_V1_Capability
    /// Credentials the Composition passes to a step.
    public typealias Credentials = Apiextensions_Fn_Proto_V1_Credentials
    /// Resources (and schemas) a function asks core to fetch.
    public typealias Requirements = Apiextensions_Fn_Proto_V1_Requirements
    /// Which resources one requirement selects: by name or by labels.
    public typealias ResourceSelector = Apiextensions_Fn_Proto_V1_ResourceSelector
    /// Labels a required resource must carry.
    public typealias MatchLabels = Apiextensions_Fn_Proto_V1_MatchLabels
}

import SwiftProtobuf

/// The messages of Crossplane's function protocol, under one name as function-sdk-go writes
/// `fnv1.Result`: kept out of the global namespace, where `Result` or `State` would hide the
/// standard library's types from every file that imports the SDK.
///
/// The v1 and v1beta1 messages are identical on the wire (the v1beta1 file is v1 with the package
/// renamed), so one set of generated types decodes and encodes both paths.
public enum FnV1 {
    public typealias RunFunctionRequest = Apiextensions_Fn_Proto_V1_RunFunctionRequest
    public typealias RunFunctionResponse = Apiextensions_Fn_Proto_V1_RunFunctionResponse
    public typealias State = Apiextensions_Fn_Proto_V1_State
    public typealias Resource = Apiextensions_Fn_Proto_V1_Resource
    public typealias Resources = Apiextensions_Fn_Proto_V1_Resources
    public typealias Result = Apiextensions_Fn_Proto_V1_Result
    public typealias Condition = Apiextensions_Fn_Proto_V1_Condition
    public typealias Ready = Apiextensions_Fn_Proto_V1_Ready
    public typealias Severity = Apiextensions_Fn_Proto_V1_Severity
    public typealias Target = Apiextensions_Fn_Proto_V1_Target
    public typealias ConditionStatus = Apiextensions_Fn_Proto_V1_Status
    public typealias ResponseMeta = Apiextensions_Fn_Proto_V1_ResponseMeta
    public typealias RequestMeta = Apiextensions_Fn_Proto_V1_RequestMeta
    public typealias Capability = Apiextensions_Fn_Proto_V1_Capability
    public typealias Credentials = Apiextensions_Fn_Proto_V1_Credentials
    public typealias Requirements = Apiextensions_Fn_Proto_V1_Requirements
    public typealias ResourceSelector = Apiextensions_Fn_Proto_V1_ResourceSelector
    public typealias MatchLabels = Apiextensions_Fn_Proto_V1_MatchLabels
}

import SwiftProtobuf

// The v1 and v1beta1 messages are identical on the wire (the v1beta1 file is v1 with the package
// renamed), so one set of generated types decodes and encodes both paths.
public typealias RunFunctionRequest = Apiextensions_Fn_Proto_V1_RunFunctionRequest
public typealias RunFunctionResponse = Apiextensions_Fn_Proto_V1_RunFunctionResponse
public typealias State = Apiextensions_Fn_Proto_V1_State
public typealias Resource = Apiextensions_Fn_Proto_V1_Resource
public typealias Result = Apiextensions_Fn_Proto_V1_Result
public typealias Condition = Apiextensions_Fn_Proto_V1_Condition
public typealias Ready = Apiextensions_Fn_Proto_V1_Ready
public typealias Severity = Apiextensions_Fn_Proto_V1_Severity
public typealias Target = Apiextensions_Fn_Proto_V1_Target
public typealias ConditionStatus = Apiextensions_Fn_Proto_V1_Status
public typealias ResponseMeta = Apiextensions_Fn_Proto_V1_ResponseMeta
public typealias RequestMeta = Apiextensions_Fn_Proto_V1_RequestMeta

import FunctionSDK
import Hello

serve(Hello(), program: "function-hello")

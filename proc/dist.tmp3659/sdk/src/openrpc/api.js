/**
 * An API: the service's info plus its method declarations. It produces the OpenRPC 1.3 document
 * and calls methods with validated params — one source of truth for both.
 */
import { RpcError, RpcErrorCode } from "../errors/rpc_error.js";
import {                   methodObject,                 } from "./method.js";
import {
  compileParamsValidator,
  createSchemaCompiler,
                       
} from "./params_validator.js";

/** The `info` object of the OpenRPC document. */
                          
                
                  
                       
                                           
                                                            
 

/** Everything needed to build an API. */
                             
                
                                     
                                  
                                                                                             
                                                     
     
                                                                                            
                                                                                               
     
                                       
 

/** An OpenRPC 1.3 document. */
                                                         
                  
                
                                     
  

                          
                                     
                             
                            
 

/** A callable, self-describing API. */
export class RpcApi {
  /** The OpenRPC document served at `/openrpc.json` and by `rpc.discover`. */
           document                 ;
           #methods = new Map                        ();

  /** Builds the document and compiles every method's params validator. */
  constructor(options            ) {
    const ajv = createSchemaCompiler();
    for (const spec of options.methods) {
      if (this.#methods.has(spec.name)) {
        throw new Error(`Method "${spec.name}" is declared twice`);
      }
      if (spec.name.startsWith("rpc.")) {
        throw new Error(`Method "${spec.name}": names starting with "rpc." are reserved`);
      }
      const compile = () =>
        compileParamsValidator(ajv, spec.name, spec.params, {
          structure: spec.paramStructure ?? "either",
          components: options.components,
        });
      let validate                 ;
      if (options.compileValidators === "lazy") {
        // Compiled on first call: a long-lived service with many methods keeps only what it uses.
        let compiled                             ;
        validate = (raw) => (compiled ??= compile())(raw);
      } else validate = compile();
      this.#methods.set(spec.name, { spec, validate });
    }
    this.document = {
      openrpc: "1.3.2",
      info: options.info,
      methods: options.methods.map((m) => methodObject(m)),
      ...(options.components ? { components: options.components } : {}),
    };
  }

  /** The names of all declared methods, in declaration order. */
  get methodNames()           {
    return [...this.#methods.keys()];
  }

  /** Calls `method` with raw params: validates them, runs the handler, returns its result. */
  async call(method        , rawParams         , ctx             )                   {
    if (method === "rpc.discover") return this.document;
    const entry = this.#methods.get(method);
    if (!entry) {
      throw new RpcError(RpcErrorCode.MethodNotFound, `Method not found: "${method}"`);
    }
    const params = entry.validate(rawParams);
    const result = await entry.spec.handler(params, ctx);
    return result === undefined ? null : result;
  }
}

/** Declares an API from its info and methods. */
export function defineApi(options            )         {
  return new RpcApi(options);
}

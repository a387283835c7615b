/**
 * @hero/sdk — build Hero services: Unix-socket servers speaking JSON-RPC 2.0 with an OpenRPC
 * document, health and discovery manifest, and the matching client. Runs on Deno, Node and Bun.
 *
 * @module
 */
export { HeroError,                        isHeroError } from "./src/errors/hero_error.js";
export { RpcError, RpcErrorCode,                     } from "./src/errors/rpc_error.js";
export { fromWireError, toWireError } from "./src/errors/wire_mapping.js";
export {
  RESERVED_SERVICE_NAMES,
  serviceNameProblem,
  validateServiceName,
} from "./src/socket/service_name.js";
export {
  classifySocket,
  resolveSocketRoot,
                          
  serviceSocketPaths,
                  
} from "./src/socket/paths.js";
export {
                   
  defineMethod,
                 
                   
                  
                         
                  
                 
                  
} from "./src/openrpc/method.js";
export {
               
                  
  defineApi,
                       
  RpcApi,
} from "./src/openrpc/api.js";
export {
  DEFAULT_DISPATCH_LIMITS,
  dispatchJsonRpc,
                      
} from "./src/rpc/dispatcher.js";
                                                                            
export { DEFAULT_SERVER_LIMITS,                   } from "./src/server/limits.js";
             
              
               
               
                  
                                  
export {                   HeroServer,                        } from "./src/server/hero_server.js";
export {
                  
                    
                   
  RpcClient,
                        
} from "./src/client/rpc_client.js";
export { currentRuntime } from "./src/runtime/current.js";
             
                 
               
                
           
               
          
                                

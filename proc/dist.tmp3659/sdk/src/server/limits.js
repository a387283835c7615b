/** Bounds every Hero server applies to network input, with safe defaults. */

/** Limits for requests reaching a Hero server. */
                               
                                                              
                       
                                                         
                         
                                                      
                       
                                             
                       
                                                                                                  
                           
 

/** Defaults: 1 MiB bodies, 16 KiB headers, depth 64, batches of 1,000, 30 s per request. */
export const DEFAULT_SERVER_LIMITS               = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxJsonDepth: 64,
  maxBatchSize: 1000,
  requestTimeoutMs: 30_000,
});

/**
 * The contract between shared code and a runtime (Deno, Node, Bun). Everything that touches
 * sockets, files, signals or the environment goes through this interface, so the rest of the
 * SDK is plain web-standard TypeScript.
 */

/** A web-standard request handler: the core of every Hero server. */
                                                                                         

/** What the runtime knows about the peer of a request. */
                                 
                                                                    
                         
                         
                            
 

/** Limits a listener enforces before the handler sees a request. */
                               
                                                       
                         
                                                                                    
                           
 

/** A bound listener. */
                           
                                                                                                  
                         
                                                                    
                           
                                           
                        
 

/** A minimal HTTP/1.1 response, as used by the JSON-RPC client. */
                                 
                 
                   
               
 

/** A request for the JSON-RPC client transport. */
                                
                 
               
                
                                   
                       
 

/** A connection-pooling HTTP client bound to one Unix socket or one base URL. */
                                
                                                                     
                                                        
                                     
                
 

/** Where a transport connects: a Unix socket path or a `http://host:port` base URL. */
                                                                           

/** File information needed by socket management. */
                           
                    
                       
               
 

/** Everything runtime-specific the SDK needs. */
                          
                                 
                                         
                        
                       
                                       
                                        
                                                   
                    
                                                                               
                                                                                          
                                                                            
           
                     
                 
                          
                         
                       
                                                                      
                                                    
                                                                                     
                                             
                                                                                              
                                                     
                                                             
                                                     
                                 
                                                   
                                                        
                                          
                                                              
                                                          
                                                                        
                                           
                                              
                                                      
                                                                                       
                                                             
 

/**
 * The supervisor's data model after validation: services made of actions, and the jobs that
 * run them. Input (TOML, RPC) is normalised into these shapes by `validate_service.ts`, so the
 * rest of hero_proc never sees optional fields or shorthand.
 */

/** How an action runs: a long-lived process, or a command that runs to completion. */
                                               

/** When an action is started again after it ends. */
                                                              

/** Restart behaviour with exponential backoff. */
                              
                        
                                      
                   
                                                                        
                  
                                  
                       
                                                                                         
                       
                                                                 
                       
 

/** The kinds of health probe. */
                                                            

/** A health probe of a process action. */
                             
                   
                                                                           
                   
                      
                     
                          
                                                             
                  
 

/** How an action is stopped. */
                           
                 
                     
 

/** One action of a service. */
                             
               
                                                                          
                 
               
                              
                   
                                                                      
                       
                       
                      
                 
                                       
                     
               
 

/** A service: a named set of actions with ordering and hard dependencies. */
                              
               
                      
                        
                                                                 
                  
                                                                              
                     
                     
 

/** Where a service definition came from. */
                                           

/** Job states. */
                      
             
                  
              
             
               
            
               
               
              

/** States in which a job is over. */
export const FINAL_JOB_STATES                      = [
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
  "stopped",
];

/** Health of a running process. */
                                                              

/** One execution of an action, or an ad-hoc command. */
                            
             
                               
                  
                 
                    
                     
                  
                      
                     
                      
                                                                                                
                           
                  
                           
                        
                        
                     
                            
                          
 

/** The fully qualified name of an action. */
export function actionKey(service        , action        )         {
  return `${service}.${action}`;
}

/**
 * Where captured output goes. The supervisor only knows {@link LogSink}; this issue ships a
 * simple SQLite table behind it, and the high-volume log store (FTS, retention, rate limits)
 * can replace it without touching process capture.
 */

/** Log levels, lowest first. */
                                                                               

/** One captured line. */
                           
             
                                                                    
                 
                       
                  
               
 

/** A stored line, with its id (ids grow with time: use them to follow). */
                                                  
             
 

/** Filters for reading lines back. */
                           
                                                           
                  
                 
                                                 
                   
                                                                                
                 
 

/** Accepts lines without ever blocking the caller; stores them in the background. */
                          
                                                                                                  
                               
                                 
                
                          
                                       
                                                  
                           
                                                
                
 

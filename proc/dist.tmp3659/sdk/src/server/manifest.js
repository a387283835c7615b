/**
 * The discovery manifest (`/.well-known/heroservice.json`) and the health document
 * (`/health`): how the router learns what a socket is and whether it is well.
 */

/** `GET /.well-known/heroservice.json`. */
                                  
                             
               
                
                  
                      
                 
 

/** Health states, from best to worst. */
                                                      

/** `GET /health`. */
                               
                       
                  
                  
                   
                                                         
                  
 

/** What a service reports about itself beyond being alive. */
                               
                                             
             
                         
                    
     

/** JSON response helper shared by the built-in routes. */
export function jsonResponse(body         , status = 200, headers              = {})           {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

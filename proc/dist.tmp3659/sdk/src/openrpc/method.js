/**
 * Declaring an RPC method once: its name, documentation, parameter and result schemas, errors,
 * examples and handler. The same declaration yields the dispatcher entry and the OpenRPC
 * method object, so the document can never drift from the code.
 */

/** A JSON Schema (draft-07 dialect, as used by OpenRPC 1.3). */
                                                           

/** One parameter (an OpenRPC content descriptor). */
                            
               
                     
                     
                   
                       
                       
 

/** The result of a method (an OpenRPC content descriptor). */
                             
               
                     
                   
                       
 

/** An application error the method may answer with. */
                            
               
                  
                 
 

/** An example pairing: named params and the expected result. */
                              
               
                   
                       
                                             
                                            
 

/**
 * Behaviour hints published as the `x-hero-annotations` OpenRPC extension; the router's MCP
 * gateway turns them into MCP tool annotations.
 */
                                    
                         
                            
                           
                          
 

/** What a handler gets besides its params. */
                              
                                 
                 
                                                                                        
                      
 

/** A method declaration. Handlers always receive params by name, whatever the caller sent. */
                                                                       
               
                   
                       
                  
                      
                     
                       
                           
                                                        
                       
                                  
                                                           
 

/** Declares a method; the identity function that gives the handler its parameter types. */
export function defineMethod                                          (
  spec                  ,
)                   {
  return spec;
}

/** The OpenRPC method object for a declaration. */
export function methodObject(spec                            )                          {
  const obj                          = { name: spec.name };
  if (spec.summary) obj.summary = spec.summary;
  if (spec.description) obj.description = spec.description;
  if (spec.tags?.length) obj.tags = spec.tags.map((name) => ({ name }));
  obj.paramStructure = spec.paramStructure ?? "either";
  obj.params = spec.params.map((p) => ({ ...p, required: p.required ?? false }));
  obj.result = spec.result;
  if (spec.errors?.length) obj.errors = spec.errors;
  if (spec.examples?.length) obj.examples = spec.examples;
  if (spec.deprecated) obj.deprecated = true;
  if (spec.annotations) obj["x-hero-annotations"] = spec.annotations;
  return obj;
}

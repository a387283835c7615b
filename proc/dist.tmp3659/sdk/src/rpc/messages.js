/** JSON-RPC 2.0 message shapes and the checks that tell a valid request from an invalid one. */
                                                             

/** A request id: string, number or null (fractional numbers are discouraged but allowed). */
                                           

/** A JSON-RPC request or notification (a notification has no `id` member). */
                             
                 
                 
                                               
             
 

/** A successful response. */
                             
                 
            
                  
 

/** An error response. */
                             
                 
            
                        
 

/** Either kind of response. */
                                                  

/** Returns why `msg` is not a valid request object, or undefined if it is one. */
export function requestProblem(msg         )                     {
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
    return "a request must be a JSON object";
  }
  const m = msg                           ;
  if (m.jsonrpc !== "2.0") return 'the "jsonrpc" member must be exactly "2.0"';
  if (typeof m.method !== "string" || m.method.length === 0) {
    return 'the "method" member must be a non-empty string';
  }
  if ("id" in m && !isValidId(m.id)) return 'the "id" member must be a string, a number or null';
  if ("params" in m && (m.params === null || typeof m.params !== "object")) {
    return 'the "params" member must be an array or an object';
  }
  return undefined;
}

/** The id to answer with: the request's own id when it is usable, otherwise null. */
export function responseIdOf(msg         )        {
  if (msg && typeof msg === "object" && "id" in msg) {
    const id = (msg                   ).id;
    if (isValidId(id)) return id         ;
  }
  return null;
}

function isValidId(id         )          {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

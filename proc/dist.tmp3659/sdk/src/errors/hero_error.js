/**
 * Local errors: what goes wrong inside a process (bad configuration, a socket in use, a timeout).
 * They carry a stable string `code` for programs and a sentence for people; they are turned into
 * wire errors only at the protocol boundary (see `rpc/wire_error.ts`).
 */

/** Options accepted by {@link HeroError}. */
                                   
                                        
                  
                                                                                               
                                    
 

/** A local error with a stable string code, e.g. `SOCKET_IN_USE`. */
export class HeroError extends Error {
  /** Stable, upper-snake-case identifier of the failure. */
           code        ;
  /** Machine-readable details of the failure. */
           details                          ;

  /** Creates an error; `message` should read like `Cannot start "api": port 8080 is in use`. */
  constructor(code        , message        , options                   = {}) {
    super(message, { cause: options.cause });
    this.name = "HeroError";
    this.code = code;
    this.details = options.details;
  }
}

/** Returns true when `err` is a {@link HeroError}, optionally with the given code. */
export function isHeroError(err         , code         )                   {
  return err instanceof HeroError && (code === undefined || err.code === code);
}

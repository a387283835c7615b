/** hero_router entry point (placeholder until the router lands). */
console.log("hero_router", Deno.args.join(" "));

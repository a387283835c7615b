/** Control groups for hero_proc's jobs: detection, the instance tree and one job's cgroup. */
export { cgroupName, Cgroups, type ContainmentInfo, jobIdOf } from "./cgroups.ts";
export { type CgroupUsage, JobCgroup } from "./job_cgroup.ts";
export { type CgroupLayout, detectCgroups } from "./detect.ts";

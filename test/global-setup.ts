/**
 * Once per test run: the prefix of the system users this run's agents create, and their removal
 * at the end (see helpers/test-users.ts).
 */
import { removeStaleTestUsers, removeTestUsers } from './helpers/test-users.js';

export default function setup(): () => void {
  const prefix = `t${process.pid.toString(36)}_`;
  process.env.HOSTPLANE_TEST_USER_PREFIX = prefix;
  removeStaleTestUsers();
  return () => {
    removeTestUsers(prefix);
  };
}

package io.blip.plugin.aws;

import io.blip.api.BlipException;

/**
 * STS did not hand out the credentials of the monitor's {@code aws.assume-role}; the message names
 * the role and what to do. The SDK resolves credentials before its request pipeline, so this
 * reaches the caller of any AWS call as thrown (no retry, no call timeout of that client: the STS
 * client has its own). Not an SDK exception on purpose: a caller tells "STS refused the role" from
 * "the service I called failed" by its type.
 */
public final class AssumeRoleException extends BlipException {
    AssumeRoleException(String message, Throwable cause) {
        super(message, cause);
    }
}
